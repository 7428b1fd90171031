"use client";

import { KeyRound } from "lucide-react";
import { useId, useState } from "react";
import { SettingsSection } from "@/components/git-credentials/settings-section";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { ErrorState, InlineError } from "@/components/ui/error-state";
import { inputClass, labelClass } from "@/components/ui/field-styles";
import { RelativeTime } from "@/components/ui/relative-time";
import { ShownOnce } from "@/components/ui/shown-once";
import { Skeleton } from "@/components/ui/skeleton";
import { useCreateProvisionerKey, useDeleteProvisionerKey, useProvisionerKeys } from "@/hooks/use-provisioners";
import type { CreatedProvisionerKey, ProvisionerKey } from "@/lib/sdk/client";
import { parseTagList } from "@/lib/validation/provisioners";
import { TagChips } from "./tag-chips";

/** The owner's provisioner keys: create one (with pinned tags; the key is shown once) and revoke. */
export function ProvisionerKeysSection() {
  const keys = useProvisionerKeys();
  const create = useCreateProvisionerKey();
  const remove = useDeleteProvisionerKey();
  const [name, setName] = useState("");
  const [tags, setTags] = useState("");
  const [tagError, setTagError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedProvisionerKey | null>(null);
  const [removing, setRemoving] = useState<ProvisionerKey | null>(null);
  const ids = { name: useId(), tags: useId() };

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const parsed = parseTagList(tags.trim() ? [tags] : []);
    if ("error" in parsed) return setTagError(parsed.error);
    setTagError(null);
    create.mutate({ name: name.trim(), tags: parsed.tags }, { onSuccess: (key) => (setCreated(key), setName(""), setTags("")) });
  };

  return (
    <SettingsSection id="provisioner-keys" title="Provisioner keys" description="A remote daemon signs in with a key. A key's tags are pinned: every daemon using it has exactly those. Deleting a key revokes it at once.">
      {created && (
        <div className="mb-4">
          <ShownOnce
            label="New provisioner key"
            title={
              <>
                Provisioner key <span className="font-mono text-xs">{created.name}</span>
              </>
            }
            note={
              <>
                Copy it now: it is shown only this once. On the host run <code>taskyard provisioner --url &lt;this server&gt; --key &lt;key&gt;</code>.
              </>
            }
            value={created.key}
            onDone={() => setCreated(null)}
            copyLabel="Copy key"
          />
        </div>
      )}
      {keys.error ? (
        <ErrorState title="Couldn’t load the provisioner keys" error={keys.error} onRetry={() => void keys.refetch()} retrying={keys.isFetching} />
      ) : !keys.data ? (
        <Skeleton className="h-10 w-full" />
      ) : keys.data.length === 0 ? (
        <p className="text-sm text-zinc-500 dark:text-zinc-400">No provisioner keys yet — create one below for each host (or group of hosts) that should run workspaces.</p>
      ) : (
        <ul aria-label="Provisioner keys" className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {keys.data.map((k) => (
            <li key={k.id} data-testid="provisioner-key" className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2.5">
              <KeyRound aria-hidden className="size-4 shrink-0 text-zinc-500" />
              <div className="min-w-0 flex-1">
                <p className="truncate text-sm font-medium">{k.name}</p>
                <p className="text-xs text-zinc-500">
                  {k.last_used_at ? <RelativeTime iso={k.last_used_at} prefix="used " /> : "never used"} · <RelativeTime iso={k.created_at} prefix="created " />
                </p>
              </div>
              <TagChips tags={k.tags} none="daemon's own tags" />
              <Button variant="ghost" size="sm" onClick={() => setRemoving(k)} aria-label={`Delete the provisioner key ${k.name}`}>
                Delete
              </Button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit} aria-label="Create a provisioner key" className="mt-4 grid gap-3 sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto] sm:items-end">
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.name} className={labelClass}>
            Name
          </label>
          <input id={ids.name} className={inputClass} placeholder="eu-hosts" value={name} onChange={(e) => setName(e.target.value)} required />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.tags} className={labelClass}>
            Tags (optional)
          </label>
          <input id={ids.tags} className={inputClass} placeholder="region=eu,gpu=true" value={tags} onChange={(e) => setTags(e.target.value)} />
        </div>
        <Button type="submit" variant="primary" busy={create.isPending} disabled={!name.trim()}>
          Create key
        </Button>
        <div className="sm:col-span-3">
          {tagError ? <p role="alert" className="text-sm text-red-600 dark:text-red-400">Tags: {tagError}</p> : <InlineError error={create.error} />}
        </div>
      </form>
      <ConfirmDialog
        open={removing !== null}
        title={`Delete the key ${removing?.name ?? ""}?`}
        confirmLabel="Delete"
        busy={remove.isPending}
        error={remove.error}
        onCancel={() => setRemoving(null)}
        onConfirm={() => removing && remove.mutate(removing.id, { onSuccess: () => setRemoving(null) })}
      >
        Daemons using it are refused from their next call and get no more jobs.
      </ConfirmDialog>
    </SettingsSection>
  );
}
