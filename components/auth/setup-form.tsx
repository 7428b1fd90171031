"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { TaskyardError } from "@/lib/sdk/client";
import { useCreateFirstUser, useHasFirstUser } from "@/hooks/use-session";
import { Button } from "@/components/ui/button";
import { InlineError } from "@/components/ui/error-state";
import { AuthCard, FormField } from "./auth-card";

/** A username suggestion from the email's local part, in the API's alphabet (letters, digits, single dashes). */
function suggestUsername(email: string): string {
  return (email.split("@")[0] ?? "")
    .replace(/[^a-zA-Z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32);
}

export function SetupForm() {
  const router = useRouter();
  const firstUser = useHasFirstUser();
  const create = useCreateFirstUser();
  const [form, setForm] = useState({ email: "", username: "", name: "", password: "" });
  const [usernameTouched, setUsernameTouched] = useState(false);

  // Setup happens once; afterwards this page sends people to sign in.
  useEffect(() => {
    if (firstUser.data === true && !create.isPending && !create.isSuccess) router.replace("/login");
  }, [firstUser.data, create.isPending, create.isSuccess, router]);

  const fieldError = (field: string) =>
    create.error instanceof TaskyardError ? create.error.body.validations?.find((v) => v.field === field)?.detail : undefined;
  const hasFieldErrors = create.error instanceof TaskyardError && !!create.error.body.validations?.length;

  return (
    <AuthCard title="Create the first account" subtitle="This account owns this Taskyard: it sees every task and manages users.">
      <form
        className="flex flex-col gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          // A server others can reach prints /setup?code=…: only that code may create the owner.
          const setupCode = new URLSearchParams(window.location.search).get("code") || undefined;
          create.mutate(
            { email: form.email, username: form.username, name: form.name || undefined, password: form.password, setup_code: setupCode },
            { onSuccess: () => router.replace("/tasks") },
          );
        }}
      >
        <FormField
          id="email"
          label="Email"
          type="email"
          autoComplete="email"
          required
          autoFocus
          value={form.email}
          error={fieldError("email")}
          onChange={(e) => {
            const email = e.target.value;
            setForm((f) => ({ ...f, email, username: usernameTouched ? f.username : suggestUsername(email) }));
          }}
        />
        <FormField
          id="username"
          label="Username"
          autoComplete="username"
          required
          maxLength={32}
          hint="Letters, digits and single dashes."
          value={form.username}
          error={fieldError("username")}
          onChange={(e) => {
            setUsernameTouched(true);
            setForm((f) => ({ ...f, username: e.target.value }));
          }}
        />
        <FormField id="name" label="Name (optional)" autoComplete="name" value={form.name} error={fieldError("name")} onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))} />
        <FormField
          id="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          hint="At least 8 characters."
          value={form.password}
          error={fieldError("password")}
          onChange={(e) => setForm((f) => ({ ...f, password: e.target.value }))}
        />
        {!hasFieldErrors && <InlineError error={create.error} />}
        <Button type="submit" variant="primary" busy={create.isPending || create.isSuccess} className="w-full">
          Create account
        </Button>
      </form>
    </AuthCard>
  );
}
