"use client";

import { KeyRound } from "lucide-react";
import { useId, useState } from "react";
import { useCreateGitCredential, useDeleteGitCredential, useGitCredentials, useGitProviders } from "@/hooks/use-git-credentials";
import type { GitCredential } from "@/lib/sdk/client";
import { Button } from "@/components/ui/button";
import { InlineError } from "@/components/ui/error-state";
import { inputClass, labelClass, selectClass } from "@/components/ui/field-styles";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";
import { SettingsSection } from "./settings-section";

function CredentialRow({ item, onDelete, deleting }: { item: GitCredential; onDelete: () => void; deleting: boolean }) {
  return (
    <li data-testid="git-credential" className="flex items-start gap-2.5 py-2.5">
      <KeyRound aria-hidden className="mt-0.5 size-4 shrink-0 text-zinc-500" />
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-x-1.5 text-sm font-medium">
          {item.host}
          <span className="text-xs font-normal text-zinc-500">
            {item.provider_kind} · {item.login} · token …{item.token_last4}
          </span>
        </p>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          {item.scopes ? `scopes: ${item.scopes.join(", ") || "none"} · ` : ""}
          <RelativeTime iso={item.created_at} prefix="added " /> · {item.last_used_at ? <RelativeTime iso={item.last_used_at} prefix="used " /> : "never used"}
        </p>
      </div>
      <Button variant="ghost" size="sm" busy={deleting} onClick={onDelete} aria-label={`Delete the git credential for ${item.host}`}>
        Delete
      </Button>
    </li>
  );
}

/**
 * The user's tokens for the configured forges: tasks clone (and later push) with them. The token
 * field is a password field and is cleared once saved; the server never sends a token back.
 */
export function GitCredentialsSection() {
  const providers = useGitProviders();
  const credentials = useGitCredentials();
  const create = useCreateGitCredential();
  const remove = useDeleteGitCredential();
  const [host, setHost] = useState("");
  const [token, setToken] = useState("");
  const [username, setUsername] = useState("");
  const ids = { host: useId(), token: useId(), username: useId() };
  const chosenHost = host || providers.data?.[0]?.host || "";
  const chosen = providers.data?.find((p) => p.host === chosenHost);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    create.mutate(
      { host: chosenHost, token: token.trim(), username: chosen?.kind === "generic" && username.trim() ? username.trim() : undefined },
      { onSuccess: () => (setToken(""), setUsername("")) },
    );
  };

  return (
    <SettingsSection
      id="git-credentials"
      title="Git credentials"
      description="Your tokens for the configured git providers. Tasks on a private repository clone with yours; Taskyard keeps them encrypted and never shows them again."
    >
      {credentials.error ? (
        <InlineError error={credentials.error} />
      ) : !credentials.data ? (
        <Skeleton className="h-10 w-full" />
      ) : credentials.data.length === 0 ? (
        <p className="text-sm text-zinc-500">No git credentials yet.</p>
      ) : (
        <ul aria-label="Git credentials" className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {credentials.data.map((item) => (
            <CredentialRow key={item.id} item={item} deleting={remove.isPending && remove.variables === item.id} onDelete={() => remove.mutate(item.id)} />
          ))}
        </ul>
      )}
      <InlineError error={remove.error} />
      {providers.data && providers.data.length === 0 ? (
        <p className="mt-3 text-sm text-zinc-500">No git providers are configured yet: the owner adds them (Settings → Git providers).</p>
      ) : (
        <form onSubmit={submit} aria-label="Add a git credential" className="mt-4 grid gap-3 sm:grid-cols-[minmax(0,12rem)_minmax(0,1fr)_auto] sm:items-end">
          <div className="flex flex-col gap-1">
            <label htmlFor={ids.host} className={labelClass}>
              Host
            </label>
            <select id={ids.host} className={selectClass} value={chosenHost} onChange={(e) => setHost(e.target.value)}>
              {providers.data?.map((p) => (
                <option key={p.id} value={p.host}>
                  {p.host}
                </option>
              ))}
            </select>
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={ids.token} className={labelClass}>
              Token
            </label>
            <input id={ids.token} type="password" autoComplete="off" spellCheck={false} className={inputClass} value={token} onChange={(e) => setToken(e.target.value)} required />
          </div>
          <Button type="submit" variant="primary" busy={create.isPending} disabled={!chosenHost || !token.trim()}>
            Add credential
          </Button>
          {chosen?.kind === "generic" && (
            <div className="flex flex-col gap-1 sm:col-span-2">
              <label htmlFor={ids.username} className={labelClass}>
                User name (optional, default git)
              </label>
              <input id={ids.username} className={inputClass} value={username} onChange={(e) => setUsername(e.target.value)} />
            </div>
          )}
          <div className="sm:col-span-3">
            <InlineError error={create.error} />
          </div>
        </form>
      )}
    </SettingsSection>
  );
}
