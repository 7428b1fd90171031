"use client";

import { Server } from "lucide-react";
import { SettingsSection } from "@/components/git-credentials/settings-section";
import { ErrorState } from "@/components/ui/error-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";
import { useProvisioners } from "@/hooks/use-provisioners";
import { TagChips } from "./tag-chips";

/** Every registered provisioner: host, tags, version, workspaces running there, last seen, online or not. */
export function ProvisionersList() {
  const provisioners = useProvisioners();
  return (
    <SettingsSection
      id="provisioner-list"
      title="Provisioners"
      description="A build goes only to a provisioner with every tag its template requires; a host not seen for a while (30 s by default) is offline and its workspaces' builds go elsewhere."
    >
      {provisioners.error ? (
        <ErrorState title="Couldn’t load the provisioners" error={provisioners.error} onRetry={() => void provisioners.refetch()} retrying={provisioners.isFetching} />
      ) : !provisioners.data ? (
        <div className="flex flex-col gap-2">
          <Skeleton className="h-12 w-full" />
          <Skeleton className="h-12 w-full" />
        </div>
      ) : provisioners.data.length === 0 ? (
        <p className="text-sm text-zinc-500 dark:text-zinc-400">No provisioner has registered yet — `npm start` runs one, and a host with a key runs `taskyard provisioner --url … --key …`.</p>
      ) : (
        <ul aria-label="Provisioners" className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {provisioners.data.map((p) => (
            <li key={p.id} data-testid="provisioner" className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2.5">
              <Server aria-hidden className="size-4 shrink-0 text-zinc-500" />
              <div className="min-w-0 flex-1">
                <p className="flex items-center gap-2 text-sm font-medium">
                  <span className="truncate">{p.host}</span>
                  <span
                    className={`inline-flex items-center gap-1 text-xs font-normal ${p.online ? "text-emerald-700 dark:text-emerald-400" : "text-zinc-500"}`}
                    aria-label={p.online ? "online" : "offline"}
                  >
                    <span aria-hidden className={`size-1.5 rounded-full ${p.online ? "bg-emerald-500" : "bg-zinc-400"}`} />
                    {p.online ? "Online" : "Offline"}
                  </span>
                </p>
                <p className="truncate text-xs text-zinc-500">
                  {p.key_name ? `key ${p.key_name}` : "built-in"} · {p.version || "unknown version"} · {p.workspaces} running {p.workspaces === 1 ? "workspace" : "workspaces"} ·{" "}
                  <RelativeTime iso={p.last_seen_at} prefix="seen " />
                </p>
              </div>
              <TagChips tags={p.tags} />
            </li>
          ))}
        </ul>
      )}
    </SettingsSection>
  );
}
