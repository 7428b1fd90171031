"use client";

import { Clock, LoaderCircle, SendHorizontal, X } from "lucide-react";
import { useId, useState } from "react";
import type { Task, TaskInput } from "@/lib/sdk/client";
import { useQueueInput, useRemoveInput, useTaskInputs } from "@/hooks/use-task-inputs";
import { Button } from "@/components/ui/button";
import { InlineError } from "@/components/ui/error-state";
import { inputClass } from "@/components/ui/field-styles";
import { statusPhrase } from "./task-status";
import { submitOnCtrlEnter } from "@/components/ui/submit-shortcut";

/**
 * A message to the agent, possible while the task is active. Sent while the agent works, it waits
 * in the task's queue (shown as "queued", removable) and is delivered when the agent is done; once
 * delivered it is in the conversation above.
 */
export function TaskSendInput({ task, owner, taskRef, streaming }: { task: Task; owner: string; taskRef: string; streaming: boolean }) {
  const id = useId();
  const [text, setText] = useState("");
  const active = task.status === "active";
  const working = active && task.current_state?.state === "working";
  const send = useQueueInput(owner, taskRef);
  const inputs = useTaskInputs(owner, taskRef, { streaming });
  const queued = inputs.data?.inputs.filter((i) => i.state === "queued") ?? [];
  const hint = !active
    ? task.status === "paused"
      ? queued.length
        ? "The task is paused. Resume it: the queued messages go to the agent then."
        : "The task is paused. Resume it to talk to the agent."
      : `You can send input once the task is active; it ${statusPhrase(task.status)}.`
    : working
      ? "The agent is working… a message you send now is queued and delivered when it is done."
      : "Ctrl/⌘ + Enter to send.";

  const submit = () => {
    if (!active || !text.trim() || send.isPending) return;
    send.mutate(text, { onSuccess: () => setText("") });
  };

  return (
    <form
      aria-label="Send input"
      className="flex flex-col gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <QueuedInputs owner={owner} taskRef={taskRef} queued={queued} loading={inputs.isLoading && inputs.fetchStatus !== "idle"} />
      <label htmlFor={id} className="sr-only">
        Message to the agent
      </label>
      <div className="flex items-end gap-2">
        <textarea
          id={id}
          value={text}
          disabled={!active}
          aria-describedby={`${id}-hint`}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => submitOnCtrlEnter(e, submit)}
          rows={1}
          placeholder={active ? (working ? "Queue a message for the agent…" : "Reply to the agent…") : "Input is available while the task is active"}
          className={`${inputClass} max-h-48 min-h-10 resize-none [field-sizing:content]`}
        />
        <Button type="submit" variant="primary" className="h-10" busy={send.isPending} disabled={!active || !text.trim()}>
          <SendHorizontal aria-hidden className="size-4" />
          Send
        </Button>
      </div>
      <p id={`${id}-hint`} className="flex items-center gap-1.5 text-xs text-zinc-500 dark:text-zinc-400" aria-live="polite">
        {working && <LoaderCircle aria-hidden className="size-3 animate-spin" />}
        {hint}
      </p>
      <InlineError error={send.error} />
    </form>
  );
}

/** Messages waiting for the agent, oldest first, each removable until it is delivered. */
function QueuedInputs({ owner, taskRef, queued, loading }: { owner: string; taskRef: string; queued: TaskInput[]; loading: boolean }) {
  const remove = useRemoveInput(owner, taskRef);
  if (loading) return <p className="sr-only" role="status">Loading queued messages…</p>;
  if (queued.length === 0) return null;
  return (
    <section aria-label="Queued messages" className="flex flex-col gap-1.5">
      <ul className="flex flex-col gap-1.5">
        {queued.map((input) => (
          <li
            key={input.id}
            data-testid="queued-input"
            className="flex items-start gap-2 rounded-md border border-dashed border-zinc-300 bg-zinc-50 px-2.5 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          >
            <span className="inline-flex shrink-0 items-center gap-1 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800 dark:bg-amber-900/40 dark:text-amber-200">
              <Clock aria-hidden className="size-3" />
              queued
            </span>
            {/* Rendered as text: what the user typed, never markup. */}
            <span className="min-w-0 flex-1 whitespace-pre-wrap break-words text-zinc-700 dark:text-zinc-300">{input.input}</span>
            <button
              type="button"
              aria-label={`Remove queued message: ${input.input.slice(0, 40)}`}
              disabled={remove.isPending && remove.variables === input.id}
              onClick={() => remove.mutate(input.id)}
              className="shrink-0 rounded p-0.5 text-zinc-500 hover:bg-zinc-200 hover:text-zinc-800 focus-visible:ring-2 focus-visible:ring-zinc-500 focus-visible:outline-none disabled:opacity-50 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
            >
              <X aria-hidden className="size-3.5" />
            </button>
          </li>
        ))}
      </ul>
      <InlineError error={remove.error} />
    </section>
  );
}
