"use client";

import { Check, Copy, Download, GitBranch, GitCommitHorizontal, Info, RefreshCw } from "lucide-react";
import { lazy, Suspense, useCallback, useEffect, useId, useState } from "react";
import { TaskyardError, type Task, type TaskChanges, type TaskCommit } from "@/lib/sdk/client";
import { useTaskChanges } from "@/hooks/use-task-changes";
import { Button } from "@/components/ui/button";
import { ErrorState, InlineError } from "@/components/ui/error-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";
import { SnapshotTag } from "./snapshot-tag";
import { TaskPublish } from "./task-publish";
import { baseLabel, ChangeCounts, fileAnchor, FilePath, FileStatusBadge, shortCommit } from "./task-repository";

// The diff viewer (react-diff-view and the syntax grammars) is the heavy part: it loads when the
// Changes tab is first opened, alongside the changes themselves.
const loadDiff = () => import("./task-diff");
const TaskDiff = lazy(() => loadDiff().then((m) => ({ default: m.TaskDiff })));

/** The Changes tab: the task's branch against its base, file by file, with the diff. */
export function TaskChangesPanel({ task, owner, taskRef, active }: { task: Task; owner: string; taskRef: string; active: boolean }) {
  const query = useTaskChanges(owner, taskRef, task, { enabled: active });
  const changes = query.data;
  const anchorPrefix = useId();
  // Per file path, so a refresh (or a new turn) keeps what the reader folded away.
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = useCallback(
    (path: string) =>
      setCollapsed((old) => {
        const next = new Set(old);
        if (!next.delete(path)) next.add(path);
        return next;
      }),
    [],
  );

  useEffect(() => {
    if (active) void loadDiff();
  }, [active]);

  const conflict = query.error instanceof TaskyardError && query.error.status === 409;

  return (
    <section aria-labelledby="changes-heading" className="flex min-w-0 flex-col rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <div className="flex min-w-0 items-center gap-2">
          <h2 id="changes-heading" className="text-sm font-semibold">
            Changes
          </h2>
          {changes && <SourceTag changes={changes} />}
        </div>
        <div className="flex flex-wrap items-center gap-1.5">
          <Button size="sm" variant="ghost" onClick={() => void query.refetch()} busy={query.isFetching}>
            {!query.isFetching && <RefreshCw aria-hidden className="size-3.5" />}
            Refresh
          </Button>
          <CopyPatch diff={changes?.diff} />
          <DownloadPatch diff={changes?.diff} name={task.name} />
        </div>
      </div>
      <CheckoutLine task={task} changes={changes} />
      {/* A task created without a repository has one of its own, with no remote to push to. */}
      {task.repository?.url ? <TaskPublish task={task} owner={owner} taskRef={taskRef} changes={changes} /> : null}
      <div className="flex flex-col gap-3 p-4">
        {!changes ? (
          query.error ? (
            <ErrorState
              title={conflict ? "Changes are not available" : "Couldn’t load the changes"}
              error={query.error}
              onRetry={conflict ? undefined : () => void query.refetch()}
              retrying={query.isFetching}
            />
          ) : (
            <ChangesSkeleton />
          )
        ) : (
          <>
            {query.error && <InlineError error={query.error} />}
            {/* Outside the files' branch: commits that cancel out still happened. */}
            <CommitList commits={changes.commits} />
            {changes.files.length === 0 ? (
              <div role="status" className="rounded-lg border border-dashed border-zinc-300 px-6 py-10 text-center dark:border-zinc-700">
                <p className="font-medium">No changes yet</p>
                <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
                  Files the agent changes on <span className="font-mono">{changes.branch}</span> show here after each turn.
                </p>
              </div>
            ) : (
              <>
                {changes.truncated && (
                  <p role="note" className="flex gap-2 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950/30 dark:text-amber-200">
                    <Info aria-hidden className="mt-0.5 size-4 shrink-0" />
                    <span>
                      The diff is cut at 1 MiB: every changed file is listed, but files past the cut show no diff, and Copy patch and Download patch
                      carry the diff only up to the cut.
                    </span>
                  </p>
                )}
                <FileList changes={changes} anchorPrefix={anchorPrefix} />
                <Suspense fallback={<DiffSkeleton />}>
                  <TaskDiff changes={changes} collapsed={collapsed} onToggle={toggle} anchorPrefix={anchorPrefix} />
                </Suspense>
              </>
            )}
          </>
        )}
      </div>
    </section>
  );
}

/** `taskyard/x` from `main @ abc1234`, and where its head is now. */
function CheckoutLine({ task, changes }: { task: Task; changes: TaskChanges | undefined }) {
  const repo = changes ?? task.repository;
  if (!repo) return null;
  const head = changes?.head_commit;
  return (
    <p className="flex flex-wrap items-center gap-x-1.5 gap-y-1 border-b border-zinc-200 px-4 py-2 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
      <GitBranch aria-hidden className="size-3.5 shrink-0" />
      <span data-testid="changes-branch" className="font-mono text-zinc-900 dark:text-zinc-100">
        {repo.branch}
      </span>
      <span>from</span>
      <span data-testid="changes-base" className="font-mono text-zinc-900 dark:text-zinc-100" title={repo.base_commit}>
        {baseLabel(repo)}
      </span>
      {head && head !== repo.base_commit && (
        <span>
          · head{" "}
          <span className="font-mono" title={head}>
            {shortCommit(head)}
          </span>
        </span>
      )}
    </p>
  );
}

function FileList({ changes, anchorPrefix }: { changes: TaskChanges; anchorPrefix: string }) {
  const additions = changes.files.reduce((n, f) => n + f.additions, 0);
  const deletions = changes.files.reduce((n, f) => n + f.deletions, 0);
  return (
    <nav aria-label="Changed files">
      <p className="mb-1.5 text-xs text-zinc-500 dark:text-zinc-400">
        {changes.files.length} {changes.files.length === 1 ? "file" : "files"} changed · <ChangeCounts additions={additions} deletions={deletions} />
      </p>
      <ul className="flex flex-col rounded-lg border border-zinc-200 text-sm dark:border-zinc-800">
        {changes.files.map((file, i) => (
          <li key={file.path} data-testid="changed-file" className="border-zinc-200 not-last:border-b dark:border-zinc-800">
            <a
              href={`#${fileAnchor(anchorPrefix, i)}`}
              className="flex min-w-0 items-center gap-2 px-3 py-1.5 hover:bg-zinc-50 dark:hover:bg-zinc-800/60"
            >
              <FileStatusBadge status={file.status} />
              <FilePath file={file} className="text-[13px]" />
              <ChangeCounts additions={file.additions} deletions={file.deletions} className="ml-auto shrink-0 text-xs" />
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The commits on the branch since the base, newest first (the API lists 100 at most). */
function CommitList({ commits }: { commits: TaskCommit[] }) {
  if (commits.length === 0) return null;
  return (
    <section aria-label="Commits">
      <p className="mb-1.5 text-xs text-zinc-500 dark:text-zinc-400">
        {commits.length === 1 ? "1 commit" : `${commits.length >= 100 ? "The last 100" : commits.length} commits`} on the branch
      </p>
      <ul className="flex flex-col rounded-lg border border-zinc-200 text-sm dark:border-zinc-800">
        {commits.map((commit) => (
          <li key={commit.sha} data-testid="commit" className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-0.5 border-zinc-200 px-3 py-1.5 not-last:border-b dark:border-zinc-800">
            <GitCommitHorizontal aria-hidden className="size-3.5 shrink-0 text-zinc-400" />
            <span data-testid="commit-subject" className="min-w-0 flex-1 truncate font-medium" title={commit.subject}>
              {commit.subject}
            </span>
            <span className="flex shrink-0 items-center gap-2 text-xs text-zinc-500 dark:text-zinc-400">
              <span data-testid="commit-author" className="max-w-64 truncate" title={commit.author}>
                {authorName(commit.author)}
              </span>
              <RelativeTime iso={commit.created_at} />
              <span data-testid="commit-sha" className="font-mono" title={commit.sha}>
                {shortCommit(commit.sha)}
              </span>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** `Ada Lovelace <ada@example.com>` → `Ada Lovelace` (the address stays in the title). */
const authorName = (author: string) => author.replace(/\s*<[^>]*>\s*$/, "") || author;

/** The diff as a `.patch` file (`git apply` takes it), from what the tab already shows: no second request. */
function DownloadPatch({ diff, name }: { diff: string | undefined; name: string }) {
  const download = () => {
    if (!diff) return;
    const url = URL.createObjectURL(new Blob([diff], { type: "text/x-patch" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = `${name}.patch`;
    link.click();
    // After the click has handed the file to the browser.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <Button size="sm" onClick={download} disabled={!diff}>
      <Download aria-hidden className="size-3.5" />
      Download patch
    </Button>
  );
}

function SourceTag({ changes }: { changes: TaskChanges }) {
  return changes.snapshot ? <SnapshotTag at={changes.snapshot_at} testId="changes-source" /> : null;
}

function CopyPatch({ diff }: { diff: string | undefined }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (!diff) return;
    try {
      await navigator.clipboard.writeText(diff);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // Clipboard refused (no permission or insecure context): the diff is still selectable.
    }
  };
  return (
    <Button size="sm" onClick={copy} disabled={!diff} aria-label={copied ? "Patch copied" : "Copy patch"}>
      {copied ? <Check aria-hidden className="size-3.5" /> : <Copy aria-hidden className="size-3.5" />}
      {copied ? "Copied" : "Copy patch"}
    </Button>
  );
}

function ChangesSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading changes" role="status" className="flex flex-col gap-3">
      <Skeleton className="h-3 w-40" />
      <Skeleton className="h-16 w-full rounded-lg" />
      <DiffSkeleton />
    </div>
  );
}

function DiffSkeleton() {
  return (
    <div aria-hidden className="flex flex-col gap-2 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <Skeleton className="h-4 w-1/3" />
      <Skeleton className="h-3 w-full" />
      <Skeleton className="h-3 w-5/6" />
      <Skeleton className="h-3 w-2/3" />
    </div>
  );
}
