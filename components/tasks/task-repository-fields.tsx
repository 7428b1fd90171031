"use client";

import { useId } from "react";
import { TaskyardError, type RichParameterValue } from "@/lib/sdk/client";
import { inputClass, labelClass } from "@/components/ui/field-styles";

export type RepositoryValues = { repoUrl: string; baseRef: string };
export const NO_REPOSITORY: RepositoryValues = { repoUrl: "", baseRef: "" };

/** The create request's `rich_parameter_values` for these fields; empty ones are left out. */
export function repositoryParameters({ repoUrl, baseRef }: RepositoryValues): RichParameterValue[] | undefined {
  const values = [
    { name: "repo_url", value: repoUrl.trim() },
    { name: "base_ref", value: baseRef.trim() },
  ].filter((p) => p.value);
  return values.length ? values : undefined;
}

type FieldErrors = Partial<Record<"repo_url" | "base_ref", string>>;

/** What the server said about each field (`rich_parameter_values.0.repo_url: must be …` at create, `repo_url` on a correction). */
export function repositoryFieldErrors(error: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (!(error instanceof TaskyardError)) return errors;
  for (const v of error.body.validations ?? []) {
    const match = /^(?:rich_parameter_values\.\d+\.)?(repo_url|base_ref)$/.exec(v.field);
    if (match) errors[match[1] as keyof FieldErrors] = v.detail;
  }
  return errors;
}

/** Repository (URL or path, recent ones offered) and base ref, for a task that works on a checkout. */
export function RepositoryFields({
  id,
  values,
  onChange,
  recent,
  errors,
}: {
  id: string;
  values: RepositoryValues;
  onChange: (values: RepositoryValues) => void;
  recent: string[];
  errors: FieldErrors;
}) {
  const repoId = useId();
  const refId = useId();
  const listId = useId();
  return (
    <div id={id} className="grid gap-3 border-t border-zinc-200 px-4 py-3 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)] dark:border-zinc-800">
      <div className="flex min-w-0 flex-col gap-1">
        <label htmlFor={repoId} className={labelClass}>
          Repository
        </label>
        <input
          id={repoId}
          type="text"
          list={listId}
          value={values.repoUrl}
          onChange={(e) => onChange({ ...values, repoUrl: e.target.value })}
          placeholder="https://github.com/acme/app.git or /path/to/repo"
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          aria-invalid={errors.repo_url ? true : undefined}
          aria-describedby={`${repoId}-hint`}
          className={`${inputClass} h-9 py-1.5 font-mono text-[13px] aria-invalid:border-red-500`}
        />
        <datalist id={listId}>
          {recent.map((url) => (
            <option key={url} value={url} />
          ))}
        </datalist>
        <p id={`${repoId}-hint`} className={`text-xs ${errors.repo_url ? "text-red-700 dark:text-red-400" : "text-zinc-500 dark:text-zinc-400"}`}>
          {errors.repo_url ? `Repository ${errors.repo_url}.` : "Optional. The agent works on its own branch, taskyard/<task name>."}
        </p>
      </div>
      <div className="flex min-w-0 flex-col gap-1">
        <label htmlFor={refId} className={labelClass}>
          Base ref
        </label>
        <input
          id={refId}
          type="text"
          value={values.baseRef}
          onChange={(e) => onChange({ ...values, baseRef: e.target.value })}
          placeholder="default branch"
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          aria-invalid={errors.base_ref ? true : undefined}
          aria-describedby={`${refId}-hint`}
          className={`${inputClass} h-9 py-1.5 font-mono text-[13px] aria-invalid:border-red-500`}
        />
        <p id={`${refId}-hint`} className={`text-xs ${errors.base_ref ? "text-red-700 dark:text-red-400" : "text-zinc-500 dark:text-zinc-400"}`}>
          {errors.base_ref ? `Base ref ${errors.base_ref}.` : "A branch, tag or commit."}
        </p>
      </div>
    </div>
  );
}
