"use client";

import { CornerDownLeft } from "lucide-react";
import { useEffect, useId, useRef, useState } from "react";
import { useCreateTask } from "@/hooks/use-tasks";
import { usePresets, useTemplates } from "@/hooks/use-templates";
import { Button } from "@/components/ui/button";
import { InlineError } from "@/components/ui/error-state";
import { PresetPicker, TemplatePicker, VersionPicker } from "@/components/templates/template-pickers";

const LAST_TEMPLATE = "taskyard.lastTemplate";

/** "Prompt your agent…": writes a task; Ctrl/Cmd+Enter submits. */
export function TaskPromptBox({ showVersion, listKey }: { showVersion: boolean; listKey: readonly unknown[] | undefined }) {
  const promptId = useId();
  const templates = useTemplates();
  const [templateId, setTemplateId] = useState("");
  const [presetId, setPresetId] = useState("");
  const [prompt, setPrompt] = useState("");
  const textarea = useRef<HTMLTextAreaElement>(null);
  const create = useCreateTask({ prependTo: listKey });

  // The template picked here, else the one used last in this browser, else the first one; always
  // one that can run on this server (a default that cannot would fail the user's first task).
  const list = templates.data;
  const runnable = (id: string | null) => list?.find((t) => t.id === id && t.available);
  const template = runnable(templateId) ?? runnable(readLastTemplate()) ?? list?.find((t) => t.available);
  const effectiveTemplateId = template?.id ?? "";
  const presets = usePresets(template?.active_version_id);
  const effectivePresetId =
    presetId && presets.data?.some((p) => p.ID === presetId) ? presetId : (presets.data?.find((p) => p.Default) ?? presets.data?.[0])?.ID ?? "";

  const submit = () => {
    if (!template || !prompt.trim() || create.isPending) return;
    create.mutate(
      { input: prompt, template_version_id: template.active_version_id, template_version_preset_id: effectivePresetId || undefined },
      {
        onSuccess: () => {
          setPrompt("");
          writeLastTemplate(template.id);
          textarea.current?.focus();
        },
      },
    );
  };

  const { isSuccess, reset } = create;
  useEffect(() => {
    if (!isSuccess) return;
    const t = setTimeout(reset, 3000);
    return () => clearTimeout(t);
  }, [isSuccess, reset]);

  return (
    <form
      aria-label="New task"
      className="rounded-xl border border-zinc-200 bg-white shadow-sm has-[textarea:focus-visible]:outline-2 has-[textarea:focus-visible]:outline-offset-2 has-[textarea:focus-visible]:outline-blue-600 dark:border-zinc-800 dark:bg-zinc-900 dark:has-[textarea:focus-visible]:outline-blue-400"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label htmlFor={promptId} className="sr-only">
        Prompt
      </label>
      <textarea
        id={promptId}
        ref={textarea}
        value={prompt}
        onChange={(e) => setPrompt(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            submit();
          }
        }}
        rows={2}
        placeholder="Prompt your agent…"
        className="block max-h-72 min-h-16 w-full resize-none rounded-t-xl bg-transparent px-4 pt-3 pb-1 text-sm [field-sizing:content] placeholder:text-zinc-400 focus-visible:outline-none dark:placeholder:text-zinc-500"
      />
      <div className="flex flex-wrap items-center gap-2 px-3 pt-1 pb-3">
        <TemplatePicker
          templates={list}
          value={effectiveTemplateId}
          onChange={(id) => {
            setTemplateId(id);
            setPresetId("");
          }}
        />
        {showVersion && <VersionPicker versionId={template?.active_version_id} />}
        <PresetPicker presets={presets.data} value={effectivePresetId} onChange={setPresetId} />
        <div className="ml-auto flex items-center gap-2">
          <kbd className="hidden text-xs text-zinc-400 sm:inline dark:text-zinc-500">Ctrl/⌘ + Enter</kbd>
          <Button type="submit" variant="primary" busy={create.isPending} disabled={!template || !prompt.trim()}>
            <CornerDownLeft aria-hidden className="size-3.5" />
            Create task
          </Button>
        </div>
      </div>
      {(create.error || templates.error) && (
        <div className="border-t border-zinc-200 px-4 py-2 dark:border-zinc-800">
          <InlineError error={create.error ?? templates.error} />
        </div>
      )}
      <p aria-live="polite" className="sr-only">
        {create.isSuccess ? `Task “${create.data.display_name}” created.` : ""}
      </p>
    </form>
  );
}

function readLastTemplate(): string | null {
  try {
    return localStorage.getItem(LAST_TEMPLATE);
  } catch {
    return null;
  }
}

function writeLastTemplate(id: string) {
  try {
    localStorage.setItem(LAST_TEMPLATE, id);
  } catch {}
}
