"use client";

import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { InlineError } from "@/components/ui/error-state";
import { inputClass, labelClass, selectClass } from "@/components/ui/field-styles";
import { useCreateWebhook } from "@/hooks/use-webhooks";
import type { WebhookWithSecret } from "@/lib/sdk/client";
import type { TaskEventType } from "@/lib/validation/task-events";
import { DEFAULT_WEBHOOK_EVENTS, WEBHOOK_EVENT_CHOICES } from "./webhook-events";

/** Adds an endpoint; the answer carries its secret, which the page shows once (`onCreated`). */
export function WebhookForm({ canWatchAllTasks, onCreated }: { canWatchAllTasks: boolean; onCreated: (created: WebhookWithSecret) => void }) {
  const create = useCreateWebhook();
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<TaskEventType[]>(DEFAULT_WEBHOOK_EVENTS);
  const [format, setFormat] = useState<"json" | "slack">("json");
  const [allTasks, setAllTasks] = useState(false);
  const ids = { url: useId(), format: useId(), events: useId() };

  const toggle = (type: TaskEventType, on: boolean) => setEvents((list) => (on ? [...list, type] : list.filter((t) => t !== type)));
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    create.mutate(
      { url: url.trim(), events, format, all_tasks: canWatchAllTasks && allTasks },
      {
        onSuccess: (created) => {
          setUrl("");
          setEvents(DEFAULT_WEBHOOK_EVENTS);
          setFormat("json");
          setAllTasks(false);
          onCreated(created);
        },
      },
    );
  };

  return (
    <form onSubmit={submit} aria-label="Add a webhook" className="flex flex-col gap-3">
      <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_minmax(0,12rem)]">
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.url} className={labelClass}>
            Endpoint URL
          </label>
          <input
            id={ids.url}
            type="url"
            inputMode="url"
            spellCheck={false}
            placeholder="https://example.com/hooks/taskyard"
            className={inputClass}
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            required
          />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.format} className={labelClass}>
            Format
          </label>
          <select id={ids.format} className={`${selectClass} h-[2.375rem]`} value={format} onChange={(e) => setFormat(e.target.value as "json" | "slack")}>
            <option value="json">JSON</option>
            <option value="slack">Slack / Mattermost</option>
          </select>
        </div>
      </div>
      <fieldset aria-describedby={ids.events} className="flex flex-col gap-1.5">
        <legend className={labelClass}>Events</legend>
        <p id={ids.events} className="text-xs text-zinc-500 dark:text-zinc-400">
          By default the moments a task needs you: waiting for input, done, failed.
        </p>
        <div className="grid gap-x-4 gap-y-1 sm:grid-cols-2 lg:grid-cols-3">
          {WEBHOOK_EVENT_CHOICES.map(({ type, description }) => (
            <label key={type} className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={events.includes(type)} onChange={(e) => toggle(type, e.target.checked)} className="size-4 accent-zinc-900 dark:accent-zinc-100" />
              <code className="font-mono text-xs">{type}</code>
              <span className="text-xs text-zinc-500 dark:text-zinc-400">{description}</span>
            </label>
          ))}
        </div>
      </fieldset>
      {canWatchAllTasks && (
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={allTasks} onChange={(e) => setAllTasks(e.target.checked)} className="size-4 accent-zinc-900 dark:accent-zinc-100" />
          Every user&apos;s tasks, not only mine (owner and admins)
        </label>
      )}
      <InlineError error={create.error} />
      <div>
        <Button type="submit" variant="primary" busy={create.isPending} disabled={!url.trim() || events.length === 0}>
          Add webhook
        </Button>
      </div>
    </form>
  );
}
