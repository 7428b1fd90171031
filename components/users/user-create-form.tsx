"use client";

import { useId, useState } from "react";
import type { CreatedUser } from "@/lib/sdk/client";
import { TaskyardError } from "@/lib/sdk/client";
import { useCreateUser } from "@/hooks/use-users";
import { Button } from "@/components/ui/button";
import { InlineError } from "@/components/ui/error-state";
import { inputClass, labelClass, selectClass } from "@/components/ui/field-styles";
import { ShownOnce } from "@/components/ui/shown-once";

const EMPTY = { email: "", username: "", name: "", role: "member" as "member" | "admin", password: "", mode: "invite" as "invite" | "password" };

/** Create a user: with a password, or (the default) with a one-time invite link shown once. */
export function UserCreateForm({ canMakeAdmins }: { canMakeAdmins: boolean }) {
  const create = useCreateUser();
  const [form, setForm] = useState(EMPTY);
  const [created, setCreated] = useState<CreatedUser | null>(null);
  const id = useId();
  const set = (patch: Partial<typeof EMPTY>) => setForm((f) => ({ ...f, ...patch }));
  const fieldError = (field: string) => (create.error instanceof TaskyardError ? create.error.body.validations?.find((v) => v.field === field)?.detail : undefined);

  return (
    <div className="flex flex-col gap-3">
      {created?.invite_url && (
        <ShownOnce
          label="Invite link"
          title={<>Invite link for {created.username}</>}
          note={`Send it to ${created.email}: it is shown only this once, works once, and expires ${new Date(created.invite_expires_at!).toLocaleString()}.`}
          value={created.invite_url}
          onDone={() => setCreated(null)}
        />
      )}
      <form
        aria-label="Create a user"
        className="grid gap-3 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          const body = { email: form.email, username: form.username, name: form.name || undefined, role: form.role };
          create.mutate(form.mode === "password" ? { ...body, password: form.password } : { ...body, invite: true }, {
            onSuccess: (user) => {
              setCreated(user.invite_url ? user : null);
              setForm(EMPTY);
            },
          });
        }}
      >
        {(["email", "username", "name"] as const).map((field) => (
          <label key={field} className="flex flex-col gap-1">
            <span className={labelClass}>{field === "name" ? "Name (optional)" : field[0].toUpperCase() + field.slice(1)}</span>
            <input
              className={inputClass}
              type={field === "email" ? "email" : "text"}
              required={field !== "name"}
              maxLength={field === "username" ? 32 : 320}
              value={form[field]}
              onChange={(e) => set({ [field]: e.target.value })}
            />
            {fieldError(field) && <span className="text-xs text-red-700 dark:text-red-400">{fieldError(field)}</span>}
          </label>
        ))}
        <label className="flex flex-col gap-1">
          <span className={labelClass}>Role</span>
          <select className={selectClass} value={form.role} onChange={(e) => set({ role: e.target.value as "member" | "admin" })}>
            <option value="member">Member</option>
            {canMakeAdmins && <option value="admin">Admin</option>}
          </select>
        </label>
        <fieldset className="flex flex-col gap-1 sm:col-span-2">
          <legend className={labelClass}>Sign-in</legend>
          <div className="flex flex-wrap gap-4 text-sm">
            <label className="flex items-center gap-1.5">
              <input type="radio" name={`${id}-mode`} checked={form.mode === "invite"} onChange={() => set({ mode: "invite" })} />
              Invite link (they choose a password)
            </label>
            <label className="flex items-center gap-1.5">
              <input type="radio" name={`${id}-mode`} checked={form.mode === "password"} onChange={() => set({ mode: "password" })} />
              Set a password
            </label>
          </div>
        </fieldset>
        {form.mode === "password" && (
          <label className="flex flex-col gap-1 sm:col-span-2">
            <span className={labelClass}>Password</span>
            <input className={inputClass} type="password" autoComplete="new-password" required minLength={8} value={form.password} onChange={(e) => set({ password: e.target.value })} />
            {fieldError("password") && <span className="text-xs text-red-700 dark:text-red-400">{fieldError("password")}</span>}
          </label>
        )}
        <div className="flex flex-col gap-2 sm:col-span-2">
          {!(create.error instanceof TaskyardError && create.error.body.validations?.length) && <InlineError error={create.error} />}
          <Button type="submit" variant="primary" busy={create.isPending} className="w-fit">
            Create user
          </Button>
        </div>
      </form>
    </div>
  );
}
