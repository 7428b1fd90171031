"use client";

import { CircleAlert, RotateCcw } from "lucide-react";
import { useId, useState } from "react";
import { TaskyardError, type Task } from "@/lib/sdk/client";
import { useRetryTask, type RetryEdits } from "@/hooks/use-task";
import { useRecentRepositories } from "@/hooks/use-recent-repositories";
import { Button } from "@/components/ui/button";
import { InlineError } from "@/components/ui/error-state";
import { inputClass, labelClass } from "@/components/ui/field-styles";
import { PromptSize, promptBytes } from "./prompt-size";
import { RepositoryFields, repositoryFieldErrors, type RepositoryValues } from "./task-repository-fields";
import { submitOnCtrlEnter } from "@/components/ui/submit-shortcut";

const parameter = (task: Task, name: string) => task.rich_parameter_values.find((p) => p.name === name)?.value ?? "";

/**
 * A task whose first start failed (a repository that would not clone, a missing ref) is not a
 * dead end: the error, its prompt and repository fields to correct, and Retry (which saves what
 * changed and resumes; a retry that would fail again is refused with the reason, at its field).
 */
export function TaskRetry({ task, owner, taskRef, maxPromptBytes }: { task: Task; owner: string; taskRef: string; maxPromptBytes: number }) {
  const headingId = useId();
  const promptId = useId();
  const sizeId = useId();
  const repositoryId = useId();
  const original: RepositoryValues = { repoUrl: parameter(task, "repo_url"), baseRef: parameter(task, "base_ref") };
  const [prompt, setPrompt] = useState(task.initial_prompt);
  const [repository, setRepository] = useState<RepositoryValues>(original);
  const { recent, remember } = useRecentRepositories();
  const retry = useRetryTask(owner, taskRef);
  const fieldErrors = repositoryFieldErrors(retry.error);
  const bytes = promptBytes(prompt);
  const tooLong = bytes > maxPromptBytes;
  const repoUrl = repository.repoUrl.trim();
  const baseRef = repository.baseRef.trim();
  // A repository can be corrected, not taken away: the request needs a URL once the task has one.
  const missingRepository = !!original.repoUrl && !repoUrl;
  const failure = task.current_state?.state === "failed" ? task.current_state.message : "";

  const submit = () => {
    if (!prompt.trim() || tooLong || missingRepository || retry.isPending) return;
    const edits: RetryEdits = {};
    if (prompt !== task.initial_prompt) edits.prompt = prompt;
    if (repoUrl && (repoUrl !== original.repoUrl || baseRef !== original.baseRef)) edits.repository = { repo_url: repoUrl, ...(baseRef ? { base_ref: baseRef } : {}) };
    retry.mutate(edits, { onSuccess: () => edits.repository && remember(repoUrl) });
  };

  return (
    <section aria-labelledby={headingId} className="rounded-xl border border-red-200 bg-white dark:border-red-900/60 dark:bg-zinc-900">
      <div className="flex gap-2 px-4 pt-4">
        <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-red-600 dark:text-red-400" />
        <div className="min-w-0">
          <h2 id={headingId} className="text-sm font-semibold">
            Edit and retry
          </h2>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-300">
            The task {task.status === "error" ? "failed" : "stopped"} before its agent started, so its prompt and repository can still change.
          </p>
          {failure && (
            <p data-testid="task-failure" className="mt-2 font-mono text-xs break-words whitespace-pre-wrap text-red-800 dark:text-red-300">
              {failure}
            </p>
          )}
        </div>
      </div>
      <form
        aria-label="Edit and retry"
        className="mt-3 flex flex-col"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <div className="flex flex-col gap-1 px-4 pb-3">
          <label htmlFor={promptId} className={labelClass}>
            Prompt
          </label>
          <textarea
            id={promptId}
            value={prompt}
            onChange={(e) => setPrompt(e.target.value)}
            onKeyDown={(e) => submitOnCtrlEnter(e, submit)}
            aria-describedby={sizeId}
            aria-invalid={tooLong || undefined}
            className={`${inputClass} max-h-72 min-h-20 [field-sizing:content]`}
          />
          <PromptSize id={sizeId} bytes={bytes} max={maxPromptBytes} />
        </div>
        <RepositoryFields
          id={repositoryId}
          values={repository}
          onChange={(values) => {
            setRepository(values);
            if (Object.keys(fieldErrors).length) retry.reset(); // the server's objection was to the old value
          }}
          recent={recent}
          errors={missingRepository ? { ...fieldErrors, repo_url: "is required: a task's repository can be corrected, not removed" } : fieldErrors}
        />
        <div className="flex flex-wrap items-center justify-end gap-2 border-t border-zinc-200 px-4 py-3 dark:border-zinc-800">
          <div className="mr-auto min-w-0">
            {retry.error &&
              (retry.error instanceof TaskyardError ? (
                <p role="alert" className="text-sm text-red-700 dark:text-red-400">
                  {retry.error.body.message}
                </p>
              ) : (
                <InlineError error={retry.error} />
              ))}
          </div>
          <Button type="submit" variant="primary" busy={retry.isPending} disabled={!prompt.trim() || tooLong || missingRepository}>
            <RotateCcw aria-hidden className="size-3.5" />
            Retry
          </Button>
        </div>
      </form>
    </section>
  );
}
