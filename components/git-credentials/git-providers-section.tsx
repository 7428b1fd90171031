"use client";

import { Server } from "lucide-react";
import { useId, useState } from "react";
import { useCreateGitProvider, useDeleteGitProvider, useGitProviders } from "@/hooks/use-git-credentials";
import type { GitProvider } from "@/lib/sdk/client";
import { GIT_PROVIDER_KINDS } from "@/lib/validation/git-credentials";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { InlineError } from "@/components/ui/error-state";
import { inputClass, labelClass, selectClass } from "@/components/ui/field-styles";
import { Skeleton } from "@/components/ui/skeleton";
import { SettingsSection } from "./settings-section";

type Kind = (typeof GIT_PROVIDER_KINDS)[number];

/** The owner's forges: the only hosts users' tokens may be for, and the only APIs the server calls. */
export function GitProvidersSection() {
  const providers = useGitProviders();
  const create = useCreateGitProvider();
  const remove = useDeleteGitProvider();
  const [kind, setKind] = useState<Kind>("github");
  const [host, setHost] = useState("");
  const [apiUrl, setApiUrl] = useState("");
  const [removing, setRemoving] = useState<GitProvider | null>(null);
  const ids = { kind: useId(), host: useId(), apiUrl: useId() };

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    create.mutate({ kind, host: host.trim(), api_url: apiUrl.trim() || undefined }, { onSuccess: () => (setHost(""), setApiUrl("")) });
  };

  return (
    <SettingsSection
      id="git-providers"
      title="Git providers"
      description="GitHub, GitLab or any other git host your users may store tokens for. Only these APIs are ever called by the server."
    >
      {providers.error ? (
        <InlineError error={providers.error} />
      ) : !providers.data ? (
        <Skeleton className="h-10 w-full" />
      ) : providers.data.length === 0 ? (
        <p className="text-sm text-zinc-500">No git providers yet.</p>
      ) : (
        <ul aria-label="Git providers" className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {providers.data.map((p) => (
            <li key={p.id} data-testid="git-provider" className="flex items-center gap-2.5 py-2.5">
              <Server aria-hidden className="size-4 shrink-0 text-zinc-500" />
              <div className="min-w-0 flex-1">
                <p className="text-sm font-medium">{p.host}</p>
                <p className="truncate text-xs text-zinc-500">
                  {p.kind}
                  {p.api_url ? ` · API ${p.api_url}` : ""}
                </p>
                {p.kind === "github" && p.webhook_secret_set ? (
                  <p className="truncate text-xs text-zinc-500">Issues → tasks: label “{p.issue_label}” or /taskyard (webhook secret set)</p>
                ) : null}
              </div>
              <Button variant="ghost" size="sm" onClick={() => setRemoving(p)} aria-label={`Remove the git provider ${p.host}`}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit} aria-label="Add a git provider" className="mt-4 grid gap-3 sm:grid-cols-[8rem_minmax(0,1fr)_minmax(0,1fr)_auto] sm:items-end">
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.kind} className={labelClass}>
            Kind
          </label>
          <select id={ids.kind} className={selectClass} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {GIT_PROVIDER_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.host} className={labelClass}>
            Host
          </label>
          <input id={ids.host} className={inputClass} placeholder="github.com" value={host} onChange={(e) => setHost(e.target.value)} required />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.apiUrl} className={labelClass}>
            API URL (optional)
          </label>
          <input id={ids.apiUrl} className={inputClass} placeholder={kind === "generic" ? "none" : "the default for the host"} disabled={kind === "generic"} value={apiUrl} onChange={(e) => setApiUrl(e.target.value)} />
        </div>
        <Button type="submit" variant="primary" busy={create.isPending} disabled={!host.trim()}>
          Add provider
        </Button>
        <div className="sm:col-span-4">
          <InlineError error={create.error} />
        </div>
      </form>
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing?.host ?? ""}?`}
        confirmLabel="Remove"
        busy={remove.isPending}
        error={remove.error}
        onCancel={() => setRemoving(null)}
        onConfirm={() => removing && remove.mutate(removing.id, { onSuccess: () => setRemoving(null) })}
      >
        Every user&apos;s git credential for this host is deleted with it.
      </ConfirmDialog>
    </SettingsSection>
  );
}
