"use client";

import { LoaderCircle, SendHorizontal } from "lucide-react";
import { useId, useState } from "react";
import type { Task } from "@/lib/sdk/client";
import { useSendInput } from "@/hooks/use-task";
import { Button } from "@/components/ui/button";
import { InlineError } from "@/components/ui/error-state";
import { inputClass } from "@/components/ui/field-styles";
import { statusPhrase } from "./task-status";

/** A message to the agent: possible only while the task is active and the agent is not busy. */
export function TaskSendInput({ task, owner, taskRef }: { task: Task; owner: string; taskRef: string }) {
  const id = useId();
  const [text, setText] = useState("");
  const send = useSendInput(owner, taskRef);
  const active = task.status === "active";
  const working = active && task.current_state?.state === "working";
  const hint = !active
    ? task.status === "paused"
      ? "The task is paused. Resume it to talk to the agent."
      : `You can send input once the task is active; it ${statusPhrase(task.status)}.`
    : working
      ? "The agent is working… you can send your next message when it is done."
      : "Ctrl/⌘ + Enter to send.";

  const submit = () => {
    if (!active || working || !text.trim() || send.isPending) return;
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
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              submit();
            }
          }}
          rows={1}
          placeholder={active ? "Reply to the agent…" : "Input is available while the task is active"}
          className={`${inputClass} max-h-48 min-h-10 resize-none [field-sizing:content]`}
        />
        <Button type="submit" variant="primary" className="h-10" busy={send.isPending} disabled={!active || working || !text.trim()}>
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
