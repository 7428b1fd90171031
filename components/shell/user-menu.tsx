"use client";

import { ChartColumn, ChevronDown, CircleUserRound, KeyRound, Monitor, Settings } from "lucide-react";
import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import { useApiKeys, useRevokeApiKey } from "@/hooks/use-api-keys";
import type { ApiKey, User } from "@/lib/sdk/client";
import { Button } from "@/components/ui/button";
import { InlineError } from "@/components/ui/error-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";

function KeyRow({ item, onRevoke, revoking }: { item: ApiKey; onRevoke: () => void; revoking: boolean }) {
  const kind = item.login_type === "token" ? "API key" : "Session";
  const Icon = item.login_type === "token" ? KeyRound : Monitor;
  return (
    <li data-testid="api-key" data-key-id={item.id} className="flex items-start gap-2.5 py-2">
      <Icon aria-hidden className="mt-0.5 size-4 shrink-0 text-zinc-500" />
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-x-1.5 text-sm font-medium">
          {kind}
          <code className="font-mono text-xs font-normal text-zinc-500">{item.id}</code>
          {item.current && <span className="rounded bg-emerald-100 px-1.5 text-xs font-normal text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300">this session</span>}
        </p>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          <RelativeTime iso={item.created_at} prefix="created " /> · <RelativeTime iso={item.last_used} prefix="used " /> ·{" "}
          <RelativeTime iso={item.expires_at} prefix="expires " />
        </p>
      </div>
      <Button variant="ghost" size="sm" busy={revoking} onClick={onRevoke} aria-label={`Revoke ${kind.toLowerCase()} ${item.id}`}>
        Revoke
      </Button>
    </li>
  );
}

/**
 * The signed-in user's name in the header, opening their sessions and API keys: each can be
 * revoked at once (revoking this very session signs out).
 */
export function UserMenu({ me }: { me: User | undefined }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const keys = useApiKeys({ enabled: open });
  const revoke = useRevokeApiKey();

  // Escape or a click elsewhere closes it.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    const onPointer = (e: PointerEvent) => !root.current?.contains(e.target as Node) && setOpen(false);
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPointer);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer);
    };
  }, [open]);

  if (!me) return <Skeleton className="h-4 w-20" />;
  return (
    <div ref={root} className="relative min-w-0">
      <Button variant="ghost" size="sm" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((o) => !o)} title={me.email} className="max-w-48">
        <span className="truncate">{me.name || me.username}</span>
        <ChevronDown aria-hidden className="size-3.5" />
      </Button>
      {open && (
        <div
          id={panelId}
          role="dialog"
          aria-label="Sessions and API keys"
          className="absolute right-0 z-30 mt-1 w-[min(26rem,calc(100vw-1.5rem))] rounded-lg border border-zinc-200 bg-white p-3 shadow-lg dark:border-zinc-800 dark:bg-zinc-900"
        >
          <p className="text-sm font-medium">{me.name || me.username}</p>
          <p className="truncate text-xs text-zinc-500 dark:text-zinc-400">{me.email}</p>
          <Link href="/account" onClick={() => setOpen(false)} className="mt-2 flex w-fit items-center gap-1.5 text-sm text-zinc-700 underline-offset-2 hover:underline dark:text-zinc-300">
            <CircleUserRound aria-hidden className="size-3.5" />
            My account (API keys)
          </Link>
          <Link href="/settings" onClick={() => setOpen(false)} className="mt-1 inline-flex items-center gap-1.5 text-sm text-zinc-700 underline-offset-2 hover:underline dark:text-zinc-300">
            <Settings aria-hidden className="size-3.5" />
            Settings (git credentials, webhooks)
          </Link>
          <Link href="/usage" onClick={() => setOpen(false)} className="mt-1 flex w-fit items-center gap-1.5 text-sm text-zinc-700 underline-offset-2 hover:underline dark:text-zinc-300">
            <ChartColumn aria-hidden className="size-3.5" />
            Usage (model spend)
          </Link>
          <h2 className="mt-3 text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Sessions and API keys</h2>
          {revoke.error ? <InlineError error={revoke.error} /> : null}
          {keys.error ? (
            <InlineError error={keys.error} />
          ) : !keys.data ? (
            <div className="mt-2 flex flex-col gap-2">
              <Skeleton className="h-8 w-full" />
              <Skeleton className="h-8 w-full" />
            </div>
          ) : (
            <ul aria-label="Sessions and API keys" className="mt-1 max-h-80 divide-y divide-zinc-100 overflow-y-auto dark:divide-zinc-800">
              {keys.data.map((item) => (
                <KeyRow key={item.id} item={item} revoking={revoke.isPending && revoke.variables?.id === item.id} onRevoke={() => revoke.mutate(item)} />
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
