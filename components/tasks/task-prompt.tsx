"use client";

import { Check, Copy, Pencil } from "lucide-react";
import { useId, useState } from "react";
import type { Task } from "@/lib/sdk/client";
import { useUpdatePrompt } from "@/hooks/use-task";
import { Button } from "@/components/ui/button";
import { InlineError } from "@/components/ui/error-state";
import { inputClass } from "@/components/ui/field-styles";
import { canEditPrompt, promptLockedReason } from "./task-status";

/** The task's prompt: copyable, and editable in place while no agent holds it (pending/paused). */
export function TaskPrompt({ task, owner, taskRef }: { task: Task; owner: string; taskRef: string }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState("");
  const [copied, setCopied] = useState(false);
  const update = useUpdatePrompt(owner, taskRef);
  const editable = canEditPrompt(task);
  const reasonId = useId();
  const fieldId = useId();

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(task.initial_prompt);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // Clipboard refused (no permission or insecure context): the text is still selectable.
    }
  };

  return (
    <section aria-labelledby={`${fieldId}-h`} className="rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id={`${fieldId}-h`} className="text-sm font-semibold">
          Prompt
        </h2>
        {!editing && (
          <div className="flex items-center gap-1.5">
            <Button size="sm" variant="ghost" onClick={copy} aria-label={copied ? "Prompt copied" : "Copy prompt"}>
              {copied ? <Check aria-hidden className="size-3.5" /> : <Copy aria-hidden className="size-3.5" />}
              {copied ? "Copied" : "Copy"}
            </Button>
            <Button
              size="sm"
              aria-label="Edit prompt"
              aria-disabled={!editable || undefined}
              aria-describedby={editable ? undefined : reasonId}
              title={editable ? undefined : promptLockedReason(task)}
              className={editable ? "" : "cursor-not-allowed opacity-50"}
              onClick={() => {
                if (!editable) return;
                setDraft(task.initial_prompt);
                update.reset();
                setEditing(true);
              }}
            >
              <Pencil aria-hidden className="size-3.5" />
              Edit
            </Button>
          </div>
        )}
      </div>
      {editing ? (
        <form
          className="mt-3 flex flex-col gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            update.mutate(draft, { onSuccess: () => setEditing(false) });
          }}
        >
          <label htmlFor={fieldId} className="sr-only">
            Prompt
          </label>
          <textarea
            id={fieldId}
            autoFocus
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Escape") setEditing(false);
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
            className={`${inputClass} max-h-96 min-h-24 [field-sizing:content]`}
          />
          <InlineError error={update.error} />
          <div className="flex justify-end gap-2">
            <Button size="sm" variant="ghost" onClick={() => setEditing(false)}>
              Cancel
            </Button>
            <Button size="sm" variant="primary" type="submit" busy={update.isPending} disabled={!draft.trim() || !editable}>
              Save
            </Button>
          </div>
        </form>
      ) : (
        <>
          <p data-testid="task-prompt" className="mt-2 max-h-60 overflow-y-auto text-sm break-words whitespace-pre-wrap text-zinc-800 dark:text-zinc-200">
            {task.initial_prompt}
          </p>
          {!editable && (
            <p id={reasonId} className="mt-2 text-xs text-zinc-500 dark:text-zinc-400">
              {promptLockedReason(task)}
            </p>
          )}
        </>
      )}
    </section>
  );
}
