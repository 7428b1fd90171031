"use client";

import { ChevronRight, KeyRound, Monitor } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import type { ApiKey } from "@/lib/sdk/client";
import { TaskyardError } from "@/lib/sdk/client";
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from "@/hooks/use-api-keys";
import { useMe } from "@/hooks/use-session";
import { SettingsSection } from "@/components/git-credentials/settings-section";
import { Button } from "@/components/ui/button";
import { ErrorState, InlineError } from "@/components/ui/error-state";
import { inputClass, labelClass, selectClass } from "@/components/ui/field-styles";
import { RelativeTime } from "@/components/ui/relative-time";
import { ShownOnce } from "@/components/ui/shown-once";
import { Skeleton } from "@/components/ui/skeleton";

const DAY = 24 * 60 * 60;
const LIFETIMES = [
  ["1 day", DAY],
  ["7 days", 7 * DAY],
  ["30 days", 30 * DAY],
  ["90 days", 90 * DAY],
  ["1 year", 365 * DAY],
] as const;

function KeyRow({ item, onRevoke, revoking }: { item: ApiKey; onRevoke: () => void; revoking: boolean }) {
  const isKey = item.login_type === "token";
  const Icon = isKey ? KeyRound : Monitor;
  return (
    <li data-testid="account-key" data-key-id={item.id} className="flex items-start gap-2.5 py-2.5">
      <Icon aria-hidden className="mt-0.5 size-4 shrink-0 text-zinc-500" />
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-x-1.5 text-sm font-medium">
          <span className="truncate">{isKey ? item.token_name || "Unnamed API key" : "Session"}</span>
          <code className="font-mono text-xs font-normal text-zinc-500">{item.id}</code>
          {item.current && <span className="rounded bg-emerald-100 px-1.5 text-xs font-normal text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300">this session</span>}
        </p>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          <RelativeTime iso={item.created_at} prefix="created " /> · <RelativeTime iso={item.last_used} prefix="last used " /> · <RelativeTime iso={item.expires_at} prefix="expires " />
        </p>
      </div>
      <Button variant="ghost" size="sm" busy={revoking} onClick={onRevoke} aria-label={`Revoke ${isKey ? "api key" : "session"} ${item.id}`}>
        Revoke
      </Button>
    </li>
  );
}

function ApiKeysSection() {
  const keys = useApiKeys({ enabled: true });
  const create = useCreateApiKey();
  const revoke = useRevokeApiKey();
  const [name, setName] = useState("");
  const [lifetime, setLifetime] = useState<number>(30 * DAY);
  const [shown, setShown] = useState<{ key: string; name: string } | null>(null);
  const nameError = create.error instanceof TaskyardError ? create.error.body.validations?.find((v) => v.field === "token_name")?.detail : undefined;

  return (
    <SettingsSection id="api-keys" title="API keys and sessions" description="API keys sign in scripts, CI and the CLI (`taskyard login --token`). Each is shown once when created; revoking one stops it at once.">
      {shown && (
        <ShownOnce
          label="New API key"
          title={<>API key {shown.name ? `“${shown.name}”` : ""}</>}
          note="Copy it now: it is shown only this once. Use it as the Coder-Session-Token header, a Bearer token or TASKYARD_SESSION_TOKEN."
          value={shown.key}
          onDone={() => setShown(null)}
        />
      )}
      <form
        aria-label="Create an API key"
        className="mt-3 flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          const tokenName = name.trim();
          create.mutate(
            { token_name: tokenName || undefined, lifetime_seconds: lifetime },
            {
              onSuccess: ({ key }) => {
                setShown({ key, name: tokenName });
                setName("");
              },
            },
          );
        }}
      >
        <label className="flex min-w-48 flex-1 flex-col gap-1">
          <span className={labelClass}>Name</span>
          <input className={inputClass} placeholder="ci, laptop, deploy…" maxLength={64} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="flex flex-col gap-1">
          <span className={labelClass}>Expires after</span>
          <select className={selectClass} value={lifetime} onChange={(e) => setLifetime(Number(e.target.value))}>
            {LIFETIMES.map(([label, seconds]) => (
              <option key={seconds} value={seconds}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <Button type="submit" variant="primary" busy={create.isPending}>
          Create API key
        </Button>
      </form>
      {nameError ? <p className="mt-1 text-xs text-red-700 dark:text-red-400">{nameError}</p> : <InlineError error={create.error} />}
      <InlineError error={revoke.error} />
      {keys.error ? (
        <div className="mt-3">
          <ErrorState title="Could not load your keys" error={keys.error} onRetry={() => keys.refetch()} retrying={keys.isFetching} />
        </div>
      ) : !keys.data ? (
        <div className="mt-3 flex flex-col gap-2">
          <Skeleton className="h-10 w-full" />
          <Skeleton className="h-10 w-full" />
        </div>
      ) : keys.data.length === 0 ? (
        <p className="mt-3 text-sm text-zinc-600 dark:text-zinc-400">No API keys or sessions.</p>
      ) : (
        <ul aria-label="API keys and sessions" className="mt-2 divide-y divide-zinc-100 dark:divide-zinc-800">
          {keys.data.map((item) => (
            <KeyRow key={item.id} item={item} revoking={revoke.isPending && revoke.variables?.id === item.id} onRevoke={() => revoke.mutate(item)} />
          ))}
        </ul>
      )}
    </SettingsSection>
  );
}

/** My account: who I am, my API keys and sessions, and where my git credentials live. */
export function AccountView() {
  const me = useMe();
  return (
    <div className="flex flex-col gap-5">
      <h1 className="text-xl font-semibold">My account</h1>
      <section aria-label="Profile" className="rounded-xl border border-zinc-200 bg-white p-4 sm:p-5 dark:border-zinc-800 dark:bg-zinc-900">
        {me.data ? (
          <>
            <p className="text-base font-semibold">{me.data.name || me.data.username}</p>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              {me.data.username} · {me.data.email} · {me.data.roles[0]?.display_name ?? "Member"}
            </p>
          </>
        ) : me.error ? (
          <InlineError error={me.error} />
        ) : (
          <Skeleton className="h-10 w-64" />
        )}
        <Link href="/settings#git-credentials" className="mt-3 inline-flex items-center gap-1 text-sm font-medium text-zinc-800 underline-offset-2 hover:underline dark:text-zinc-200">
          Git credentials
          <ChevronRight aria-hidden className="size-3.5" />
        </Link>
      </section>
      <ApiKeysSection />
    </div>
  );
}
