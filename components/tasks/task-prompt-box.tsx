"use client";

import { ChevronDown, CornerDownLeft, GitBranch } from "lucide-react";
import { useEffect, useId, useRef, useState } from "react";
import { TaskyardError, type RichParameterValue } from "@/lib/sdk/client";
import { useCreateTask } from "@/hooks/use-tasks";
import { useRecentRepositories } from "@/hooks/use-recent-repositories";
import { usePresets, useTemplates } from "@/hooks/use-templates";
import { Button } from "@/components/ui/button";
import { InlineError } from "@/components/ui/error-state";
import { ModelPicker, PresetPicker, TemplatePicker, VersionPicker } from "@/components/templates/template-pickers";
import { PromptSize, promptBytes } from "./prompt-size";
import { NO_REPOSITORY, RepositoryFields, repositoryFieldErrors, repositoryParameters, type RepositoryValues } from "./task-repository-fields";
import { submitOnCtrlEnter } from "@/components/ui/submit-shortcut";

const LAST_TEMPLATE = "taskyard.lastTemplate";

/** "Prompt your agent…": writes a task; Ctrl/Cmd+Enter submits; a prompt over the server's limit is refused before it is sent. */
export function TaskPromptBox({ showVersion, listKey, maxPromptBytes }: { showVersion: boolean; listKey: readonly unknown[] | undefined; maxPromptBytes: number }) {
  const promptId = useId();
  const sizeId = useId();
  const templates = useTemplates();
  const [templateId, setTemplateId] = useState("");
  const [presetId, setPresetId] = useState("");
  const [model, setModel] = useState("");
  const [prompt, setPrompt] = useState("");
  const textarea = useRef<HTMLTextAreaElement>(null);
  const create = useCreateTask({ prependTo: listKey });
  const repositoryId = useId();
  const [repositoryOpen, setRepositoryOpen] = useState(false);
  const [repository, setRepository] = useState<RepositoryValues>(NO_REPOSITORY);
  const { recent, remember } = useRecentRepositories();
  const fieldErrors = repositoryFieldErrors(create.error);
  const hasFieldErrors = Object.keys(fieldErrors).length > 0;
  const bytes = promptBytes(prompt);
  const tooLong = bytes > maxPromptBytes;

  // The template picked here, else the one used last in this browser, else the first one; always
  // one that can run on this server (a default that cannot would fail the user's first task).
  const list = templates.data;
  const runnable = (id: string | null) => list?.find((t) => t.id === id && t.available);
  const template = runnable(templateId) ?? runnable(readLastTemplate()) ?? list?.find((t) => t.available);
  const effectiveTemplateId = template?.id ?? "";
  const presets = usePresets(template?.active_version_id);
  const effectivePresetId =
    presetId && presets.data?.some((p) => p.ID === presetId) ? presetId : (presets.data?.find((p) => p.Default) ?? presets.data?.[0])?.ID ?? "";

  // The model picked here if the template offers it; otherwise none is sent (the template's default).
  const chosenModel = template?.models.includes(model) && model !== template.models[0] ? model : undefined;

  const submit = () => {
    if (!template || !prompt.trim() || tooLong || create.isPending) return;
    const repoUrl = repository.repoUrl.trim();
    create.mutate(
      {
        input: prompt,
        template_version_id: template.active_version_id,
        template_version_preset_id: effectivePresetId || undefined,
        rich_parameter_values: withModel(repositoryParameters(repository), chosenModel),
      },
      {
        onSuccess: () => {
          setPrompt("");
          setRepository(NO_REPOSITORY);
          if (repoUrl) remember(repoUrl);
          writeLastTemplate(template.id);
          textarea.current?.focus();
        },
        // A refused repository or ref is shown at its field.
        onError: (error) => {
          if (Object.keys(repositoryFieldErrors(error)).length) setRepositoryOpen(true);
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
        onKeyDown={(e) => submitOnCtrlEnter(e, submit)}
        rows={2}
        aria-describedby={prompt ? sizeId : undefined}
        aria-invalid={tooLong || undefined}
        placeholder="Prompt your agent…"
        className="block max-h-72 min-h-16 w-full resize-none rounded-t-xl bg-transparent px-4 pt-3 pb-1 text-sm [field-sizing:content] placeholder:text-zinc-400 focus-visible:outline-none dark:placeholder:text-zinc-500"
      />
      {prompt && (
        <div className="flex justify-end px-4">
          <PromptSize id={sizeId} bytes={bytes} max={maxPromptBytes} />
        </div>
      )}
      <div className="flex flex-wrap items-center gap-2 px-3 pt-1 pb-3">
        <TemplatePicker
          templates={list}
          value={effectiveTemplateId}
          onChange={(id) => {
            setTemplateId(id);
            setPresetId("");
            setModel("");
          }}
        />
        {showVersion && <VersionPicker versionId={template?.active_version_id} />}
        <PresetPicker presets={presets.data} value={effectivePresetId} onChange={setPresetId} />
        <ModelPicker models={template?.models} value={model} onChange={setModel} />
        <Button
          size="sm"
          variant="ghost"
          aria-expanded={repositoryOpen}
          aria-controls={repositoryId}
          onClick={() => setRepositoryOpen((open) => !open)}
          className="h-9"
        >
          <GitBranch aria-hidden className="size-3.5" />
          Repository
          <ChevronDown aria-hidden className={`size-3.5 transition-transform motion-reduce:transition-none ${repositoryOpen ? "rotate-180" : ""}`} />
        </Button>
        {!repositoryOpen && repository.repoUrl.trim() && (
          <span className="max-w-48 truncate font-mono text-xs text-zinc-600 dark:text-zinc-400" title={repository.repoUrl}>
            {repository.repoUrl.trim()}
          </span>
        )}
        <div className="ml-auto flex items-center gap-2">
          <kbd className="hidden text-xs text-zinc-400 sm:inline dark:text-zinc-500">Ctrl/⌘ + Enter</kbd>
          <Button
            type="submit"
            variant="primary"
            busy={create.isPending}
            disabled={!template || !prompt.trim() || tooLong}
            title={tooLong ? "The prompt is longer than the server accepts" : undefined}
          >
            <CornerDownLeft aria-hidden className="size-3.5" />
            Create task
          </Button>
        </div>
      </div>
      {repositoryOpen && (
        <RepositoryFields
          id={repositoryId}
          values={repository}
          onChange={(values) => {
            setRepository(values);
            if (hasFieldErrors) create.reset(); // the server's objection was to the old value
          }}
          recent={recent}
          errors={fieldErrors}
        />
      )}
      {(create.error || templates.error) && (
        <div className="border-t border-zinc-200 px-4 py-2 dark:border-zinc-800">
          {hasFieldErrors ? (
            <p role="alert" className="text-sm text-red-700 dark:text-red-400">
              {create.error instanceof TaskyardError ? create.error.body.message : "Validation failed."} See the repository fields above.
            </p>
          ) : (
            <InlineError error={create.error ?? templates.error} />
          )}
        </div>
      )}
      <p aria-live="polite" className="sr-only">
        {create.isSuccess ? `Task “${create.data.display_name}” created.` : ""}
      </p>
    </form>
  );
}

/** The create request's parameters with the picked model among them, if one was picked. */
function withModel(parameters: RichParameterValue[] | undefined, model: string | undefined): RichParameterValue[] | undefined {
  return model ? [...(parameters ?? []), { name: "model", value: model }] : parameters;
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
