import { GitBranch, GitPullRequest } from "lucide-react";
import type { ChangedFile, Task, TaskChanges } from "@/lib/sdk/client";
import { SideCard } from "@/components/ui/side-card";

type Repository = NonNullable<Task["repository"]>;

/** A commit as people read it: its first seven characters. */
export const shortCommit = (sha: string) => sha.slice(0, 7);

/** "main @ abc1234", or the commit alone when the remote's default branch was taken. */
export function baseLabel({ base_ref, base_commit }: Pick<Repository, "base_ref" | "base_commit">): string {
  const commit = shortCommit(base_commit);
  return base_ref && base_ref !== base_commit && !base_commit.startsWith(base_ref) ? `${base_ref} @ ${commit}` : commit;
}

/** "+12 −3" in green and red (a true minus sign, so the numbers line up). */
export function ChangeCounts({ additions, deletions, className = "" }: { additions: number; deletions: number; className?: string }) {
  return (
    <span className={`font-mono tabular-nums ${className}`}>
      <span className="text-green-700 dark:text-green-400">+{additions}</span>{" "}
      <span className="text-red-700 dark:text-red-400">−{deletions}</span>
    </span>
  );
}

/** The list row's line for a task with a repository: its branch and what changed on it. */
export function RepositorySummary({ repository }: { repository: Repository }) {
  const files = repository.changed_files;
  return (
    <p
      data-testid="task-repository"
      title={`${repository.url || "No remote"}\n${files} ${files === 1 ? "file" : "files"} changed on ${repository.branch} since ${baseLabel(repository)}`}
      className="flex min-w-0 items-center gap-1 text-xs text-zinc-500 dark:text-zinc-400"
    >
      <GitBranch aria-hidden className="size-3 shrink-0" />
      <span className="truncate font-mono">{repository.branch}</span>
      <ChangeCounts additions={repository.additions} deletions={repository.deletions} className="shrink-0" />
    </p>
  );
}

/** The task page's repository card: where the checkout came from and where the work goes. */
export function TaskRepository({ repository }: { repository: Repository }) {
  return (
    <SideCard id="repository-heading" title="Repository" className="text-sm">
      <dl className="mt-2 grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-xs">
        <dt className="text-zinc-500 dark:text-zinc-400">Source</dt>
        {repository.url ? (
          <dd className="truncate font-mono" title={repository.url}>
            {repository.url}
          </dd>
        ) : (
          <dd className="text-zinc-500 dark:text-zinc-400">None: a repository of the task&apos;s own, with no remote</dd>
        )}
        <dt className="text-zinc-500 dark:text-zinc-400">Base</dt>
        <dd className="truncate font-mono" title={repository.base_commit}>
          {baseLabel(repository)}
        </dd>
        <dt className="text-zinc-500 dark:text-zinc-400">Branch</dt>
        <dd className="truncate font-mono">{repository.branch}</dd>
        <dt className="text-zinc-500 dark:text-zinc-400">Changes</dt>
        <dd>
          {repository.changed_files} {repository.changed_files === 1 ? "file" : "files"} ·{" "}
          <ChangeCounts additions={repository.additions} deletions={repository.deletions} />
        </dd>
      </dl>
    </SideCard>
  );
}

const FILE_STATUS: Record<ChangedFile["status"], { letter: string; className: string }> = {
  added: { letter: "A", className: "bg-green-100 text-green-800 dark:bg-green-950/60 dark:text-green-300" },
  modified: { letter: "M", className: "bg-amber-100 text-amber-800 dark:bg-amber-950/60 dark:text-amber-300" },
  deleted: { letter: "D", className: "bg-red-100 text-red-800 dark:bg-red-950/60 dark:text-red-300" },
  renamed: { letter: "R", className: "bg-violet-100 text-violet-800 dark:bg-violet-950/60 dark:text-violet-300" },
};

/** A one-letter status chip (A, M, D, R); the word is its title and what a screen reader says. */
export function FileStatusBadge({ status }: { status: ChangedFile["status"] }) {
  const { letter, className } = FILE_STATUS[status];
  return (
    <span
      data-testid="file-status"
      title={status}
      className={`inline-flex size-5 shrink-0 items-center justify-center rounded font-mono text-[11px] font-semibold ${className}`}
    >
      <span aria-hidden>{letter}</span>
      <span className="sr-only">{status}</span>
    </span>
  );
}

/** "src/new.ts" or, for a rename, "src/old.ts → src/new.ts". */
export function FilePath({ file, className = "" }: { file: Pick<ChangedFile, "path" | "old_path">; className?: string }) {
  return (
    <span className={`min-w-0 truncate font-mono ${className}`} title={file.old_path ? `${file.old_path} → ${file.path}` : file.path}>
      {file.old_path && file.old_path !== file.path ? (
        <>
          <span className="text-zinc-500 dark:text-zinc-400">{file.old_path} → </span>
          {file.path}
        </>
      ) : (
        file.path
      )}
    </span>
  );
}

/** Where a file's diff sits on the page, for the file list's links. */
export const fileAnchor = (prefix: string, index: number) => `diff${prefix.replace(/[^a-zA-Z0-9_-]/g, "")}-${index}`;

type PullRequest = NonNullable<Task["pull_request"]>;
type PullRequestLook = "Open" | "Draft" | "Merged" | "Closed";

/** What people call a pull request's state: an open draft is a "Draft". */
export const pullRequestState = (pr: Pick<PullRequest, "state" | "draft">): PullRequestLook =>
  pr.state === "merged" ? "Merged" : pr.state === "closed" ? "Closed" : pr.draft ? "Draft" : "Open";

const PR_STYLES: Record<PullRequestLook, string> = {
  Open: "bg-green-50 text-green-800 ring-green-600/20 dark:bg-green-950/40 dark:text-green-300 dark:ring-green-400/25",
  Draft: "bg-zinc-100 text-zinc-700 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-400/20",
  Merged: "bg-violet-50 text-violet-800 ring-violet-600/20 dark:bg-violet-950/40 dark:text-violet-300 dark:ring-violet-400/25",
  Closed: "bg-red-50 text-red-800 ring-red-600/20 dark:bg-red-950/40 dark:text-red-300 dark:ring-red-400/25",
};

/** The list row's "PR #N" chip, coloured by state; it links to the pull request (above the row's own link). */
export function PullRequestBadge({ pullRequest }: { pullRequest: PullRequest }) {
  const state = pullRequestState(pullRequest);
  return (
    <a
      href={pullRequest.url}
      target="_blank"
      rel="noopener noreferrer"
      data-testid="task-pull-request"
      data-state={state.toLowerCase()}
      title={`Pull request #${pullRequest.number} · ${state}`}
      aria-label={`Pull request #${pullRequest.number} (${state})`}
      className={`relative z-10 inline-flex shrink-0 items-center gap-1 rounded-full px-1.5 py-px text-[11px] font-medium ring-1 ring-inset hover:underline ${PR_STYLES[state]}`}
    >
      <GitPullRequest aria-hidden className="size-3" />
      PR #{pullRequest.number}
    </a>
  );
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "3 unpushed commits · 2 uncommitted files": what the remote does not have yet (the zero parts left out). */
export function pendingWork(changes: Pick<TaskChanges, "unpushed_commits" | "uncommitted_files">): string[] {
  const parts: string[] = [];
  if (changes.unpushed_commits > 0) parts.push(plural(changes.unpushed_commits, "unpushed commit", "unpushed commits"));
  if ((changes.uncommitted_files ?? 0) > 0) parts.push(plural(changes.uncommitted_files ?? 0, "uncommitted file", "uncommitted files"));
  return parts;
}
