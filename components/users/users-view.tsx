"use client";

import { Search, UserRound } from "lucide-react";
import { useState } from "react";
import type { User, UserRole, UserStatus } from "@/lib/sdk/client";
import { isAdmin, useMe } from "@/hooks/use-session";
import { useActivateUser, useSetUserRole, useSuspendUser, useUserList } from "@/hooks/use-users";
import { SettingsSection } from "@/components/git-credentials/settings-section";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { ErrorState, InlineError } from "@/components/ui/error-state";
import { inputClass, selectClass } from "@/components/ui/field-styles";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";
import { UserCreateForm } from "./user-create-form";

const STATUS_LOOK: Record<UserStatus, string> = {
  active: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  suspended: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
  invited: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
};

function UserRow({ user, me, onSuspend }: { user: User; me: User; onSuspend: (u: User) => void }) {
  const setRole = useSetUserRole();
  const activate = useActivateUser();
  const role = user.roles[0]?.name ?? "member";
  const self = user.id === me.id;
  const iAmOwner = me.roles.some((r) => r.name === "owner");
  // The same rules as the server's (lib/auth/user-admin.ts): owners change roles; admins act on members only.
  const mayChangeStatus = !self && (iAmOwner || role === "member");
  return (
    <li data-testid="user-row" data-username={user.username} className="flex flex-wrap items-center gap-x-3 gap-y-1.5 py-2.5">
      <UserRound aria-hidden className="size-4 shrink-0 text-zinc-500" />
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-x-1.5 text-sm font-medium">
          <span className="truncate">{user.name || user.username}</span>
          {user.name && <span className="text-xs font-normal text-zinc-500">{user.username}</span>}
          {self && <span className="rounded bg-zinc-100 px-1.5 text-xs font-normal text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">you</span>}
          <span data-testid="user-status" className={`rounded px-1.5 text-xs font-normal ${STATUS_LOOK[user.status]}`}>
            {user.status}
          </span>
        </p>
        <p className="truncate text-xs text-zinc-500 dark:text-zinc-400">
          {user.email} · {user.last_seen_at ? <RelativeTime iso={user.last_seen_at} prefix="seen " /> : "never seen"} · <RelativeTime iso={user.created_at} prefix="joined " />
        </p>
        <InlineError error={setRole.error ?? activate.error} />
      </div>
      <select
        aria-label={`Role of ${user.username}`}
        className={selectClass}
        value={role}
        disabled={!iAmOwner || self || setRole.isPending}
        title={self ? "You cannot change your own role" : !iAmOwner ? "Only an owner changes roles" : undefined}
        onChange={(e) => setRole.mutate({ id: user.id, role: e.target.value as UserRole })}
      >
        <option value="owner">Owner</option>
        <option value="admin">Admin</option>
        <option value="member">Member</option>
      </select>
      {user.status === "suspended" ? (
        <Button size="sm" disabled={!mayChangeStatus} busy={activate.isPending} onClick={() => activate.mutate(user.id)} aria-label={`Reactivate ${user.username}`}>
          Reactivate
        </Button>
      ) : (
        <Button size="sm" variant="ghost" disabled={!mayChangeStatus} onClick={() => onSuspend(user)} aria-label={`Suspend ${user.username}`}>
          Suspend
        </Button>
      )}
    </li>
  );
}

/** Settings → Users (owner and admins): find people, invite or create them, change roles, suspend. */
export function UsersView() {
  const me = useMe();
  const [search, setSearch] = useState("");
  const [role, setRole] = useState<UserRole | "">("");
  const [status, setStatus] = useState<UserStatus | "">("");
  const users = useUserList({ search, role: role || undefined, status: status || undefined });
  const suspend = useSuspendUser();
  const [confirming, setConfirming] = useState<User | null>(null);

  if (me.data && !isAdmin(me.data)) return <ErrorState title="Users" error={new Error("Only owners and admins manage users.")} />;
  const iAmOwner = !!me.data?.roles.some((r) => r.name === "owner");
  const filtered = !!(search || role || status);

  return (
    <div className="flex flex-col gap-5">
      <h1 className="text-xl font-semibold">Users</h1>
      <SettingsSection id="new-user" title="Add a user" description="Invite someone with a one-time link where they choose their own password, or set one for them.">
        <UserCreateForm canMakeAdmins={iAmOwner} />
      </SettingsSection>
      <SettingsSection id="users" title="Everyone" description="A suspended user's sessions, API keys and CLI logins stop at once; their tasks keep running (pause them from the task list if they should stop).">
        <div className="flex flex-wrap items-center gap-2">
          <label className="relative min-w-48 flex-1">
            <Search aria-hidden className="absolute top-2.5 left-2.5 size-4 text-zinc-400" />
            <input className={`${inputClass} pl-8`} type="search" placeholder="Search username, email or name" aria-label="Search users" value={search} maxLength={256} onChange={(e) => setSearch(e.target.value)} />
          </label>
          <select aria-label="Filter by role" className={selectClass} value={role} onChange={(e) => setRole(e.target.value as UserRole | "")}>
            <option value="">Any role</option>
            <option value="owner">Owners</option>
            <option value="admin">Admins</option>
            <option value="member">Members</option>
          </select>
          <select aria-label="Filter by status" className={selectClass} value={status} onChange={(e) => setStatus(e.target.value as UserStatus | "")}>
            <option value="">Any status</option>
            <option value="active">Active</option>
            <option value="invited">Invited</option>
            <option value="suspended">Suspended</option>
          </select>
        </div>
        {users.error ? (
          <div className="mt-3">
            <ErrorState title="Could not load users" error={users.error} onRetry={() => users.refetch()} retrying={users.isFetching} />
          </div>
        ) : !users.data || !me.data ? (
          <div className="mt-3 flex flex-col gap-2" aria-label="Loading users">
            <Skeleton className="h-10 w-full" />
            <Skeleton className="h-10 w-full" />
            <Skeleton className="h-10 w-full" />
          </div>
        ) : users.data.users.length === 0 ? (
          <p className="mt-4 text-sm text-zinc-600 dark:text-zinc-400">{filtered ? "No user matches these filters." : "No users yet — add one above."}</p>
        ) : (
          <ul aria-label="Users" className="mt-2 divide-y divide-zinc-100 dark:divide-zinc-800">
            {users.data.users.map((u) => (
              <UserRow key={u.id} user={u} me={me.data!} onSuspend={setConfirming} />
            ))}
          </ul>
        )}
      </SettingsSection>
      <ConfirmDialog
        open={!!confirming}
        title={`Suspend ${confirming?.username ?? ""}?`}
        confirmLabel="Suspend"
        busy={suspend.isPending}
        error={suspend.error}
        onCancel={() => {
          suspend.reset();
          setConfirming(null);
        }}
        onConfirm={() => confirming && suspend.mutate(confirming.id, { onSuccess: () => setConfirming(null) })}
      >
        Their browser sessions end, and their API keys and CLI logins are refused from their next request. Their tasks keep running. You can reactivate them later.
      </ConfirmDialog>
    </div>
  );
}
