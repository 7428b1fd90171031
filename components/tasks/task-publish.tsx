"use client";

import { ExternalLink, GitPullRequest, Upload } from "lucide-react";
import { useId, useState } from "react";
import type { Task, TaskChanges } from "@/lib/sdk/client";
import { useCreatePullRequest, usePushTask } from "@/hooks/use-tasks";
import { Button } from "@/components/ui/button";
import { InlineError } from "@/components/ui/error-state";
import { inputClass, labelClass } from "@/components/ui/field-styles";
import { pendingWork, pullRequestState, shortCommit } from "./task-repository";

/**
 * The Changes tab's way out of the workspace: Push (commits what is left, pushes the task's
 * branch), and Create pull request — or, once there is one, a link to it.
 */
export function TaskPublish({ task, owner, taskRef, changes }: { task: Task; owner: string; taskRef: string; changes: TaskChanges | undefined }) {
  const push = usePushTask(owner, taskRef);
  const createPr = useCreatePullRequest(owner, taskRef);
  const [formOpen, setFormOpen] = useState(false);
  const busy = push.isPending || createPr.isPending;
  // The task (from its stream) catches up a moment after the answer; the answer shows meanwhile.
  const pullRequest = task.pull_request ?? createPr.data ?? null;
  const pending = changes ? pendingWork(changes) : [];

  const startPush = () => {
    createPr.reset();
    push.mutate();
  };

  return (
    <div data-testid="task-publish" className="flex flex-col gap-2 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
      <div className="flex flex-wrap items-center gap-2">
        <Button size="sm" onClick={startPush} busy={push.isPending} disabled={busy && !push.isPending}>
          {!push.isPending && <Upload aria-hidden className="size-3.5" />}
          {push.isPending ? "Pushing…" : "Push"}
        </Button>
        {pullRequest ? (
          <a
            href={pullRequest.url}
            target="_blank"
            rel="noopener noreferrer"
            data-testid="pull-request-link"
            className="inline-flex items-center gap-1.5 text-sm font-medium text-blue-700 hover:underline dark:text-blue-400"
          >
            <GitPullRequest aria-hidden className="size-3.5" />
            Pull request #{pullRequest.number} · {pullRequestState(pullRequest)}
            <ExternalLink aria-hidden className="size-3" />
          </a>
        ) : (
          !formOpen && (
            <Button size="sm" onClick={() => setFormOpen(true)} disabled={busy}>
              <GitPullRequest aria-hidden className="size-3.5" />
              Create pull request…
            </Button>
          )
        )}
        {pending.length > 0 && (
          <span data-testid="unpushed-summary" className="text-xs text-zinc-500 dark:text-zinc-400">
            {pending.join(" · ")}
          </span>
        )}
      </div>
      {push.data && !busy && (
        <p role="status" data-testid="push-result" className="text-sm text-green-700 dark:text-green-400">
          Pushed <span className="font-mono" title={push.data.head_commit}>{shortCommit(push.data.head_commit)}</span> to{" "}
          <span className="font-mono">{push.data.branch}</span>
        </p>
      )}
      {push.error && !busy ? <InlineError error={push.error} /> : null}
      {formOpen && !pullRequest && (
        <PullRequestForm
          defaultTitle={task.display_name || task.name}
          busy={createPr.isPending}
          error={createPr.error}
          onCancel={() => {
            setFormOpen(false);
            createPr.reset();
          }}
          onSubmit={(input) => {
            push.reset();
            createPr.mutate(input, { onSuccess: () => setFormOpen(false) });
          }}
        />
      )}
    </div>
  );
}

function PullRequestForm({
  defaultTitle,
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  defaultTitle: string;
  busy: boolean;
  error: unknown;
  onSubmit: (input: { title?: string; body?: string; draft: boolean }) => void;
  onCancel: () => void;
}) {
  const [title, setTitle] = useState(defaultTitle);
  const [body, setBody] = useState("");
  const [draft, setDraft] = useState(false);
  const id = useId();
  return (
    <form
      aria-label="Create a pull request"
      className="flex flex-col gap-2 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800"
      onSubmit={(e) => {
        e.preventDefault();
        if (busy) return;
        // Empty fields are left to the server: the display name, and a summary it writes.
        onSubmit({ title: title.trim() || undefined, body: body.trim() ? body : undefined, draft });
      }}
    >
      <label htmlFor={`${id}-title`} className={labelClass}>
        Title
      </label>
      <input id={`${id}-title`} className={inputClass} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={256} autoFocus />
      <label htmlFor={`${id}-body`} className={labelClass}>
        Description
      </label>
      <textarea
        id={`${id}-body`}
        className={`${inputClass} min-h-24`}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        placeholder="Leave empty and Taskyard writes it: the prompt, the agent’s last message, the files changed, the cost and a link back."
      />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={draft} onChange={(e) => setDraft(e.target.checked)} className="size-4" />
        Draft
      </label>
      {error ? <InlineError error={error} /> : null}
      <div className="flex justify-end gap-2">
        <Button size="sm" variant="ghost" onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button size="sm" variant="primary" type="submit" busy={busy}>
          {busy ? "Creating…" : "Create pull request"}
        </Button>
      </div>
    </form>
  );
}
