"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { TaskyardError } from "@/lib/sdk/client";
import { useHasFirstUser, useLogin } from "@/hooks/use-session";
import { safeRedirect } from "@/lib/safe-redirect";
import { Button } from "@/components/ui/button";
import { InlineError } from "@/components/ui/error-state";
import { AuthCard, FormField } from "./auth-card";

export function LoginForm() {
  const router = useRouter();
  const firstUser = useHasFirstUser();
  const login = useLogin();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");

  // Nobody can sign in before the first account exists.
  useEffect(() => {
    if (firstUser.data === false) router.replace("/setup");
  }, [firstUser.data, router]);

  const wrong = login.error instanceof TaskyardError && login.error.status === 401;
  const throttled = login.error instanceof TaskyardError && login.error.status === 429;
  return (
    <AuthCard title="Sign in" subtitle="Use your Taskyard account.">
      <form
        className="flex flex-col gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          // Read at submit time, so the page itself can be prerendered without the query string.
          const destination = safeRedirect(new URLSearchParams(window.location.search).get("redirect"), window.location.origin);
          login.mutate({ email, password }, { onSuccess: () => router.replace(destination) });
        }}
      >
        <FormField id="email" label="Email" type="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
        <FormField id="password" label="Password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        {wrong || throttled ? (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {/* A 401 says which: wrong credentials, or a suspended account (the server words both). */}
            {throttled ? "Too many failed attempts. Wait a few minutes, then try again." : (login.error as TaskyardError).body.message || "Incorrect email or password."}
          </p>
        ) : (
          <InlineError error={login.error} />
        )}
        <Button type="submit" variant="primary" busy={login.isPending || login.isSuccess} className="w-full">
          Sign in
        </Button>
      </form>
    </AuthCard>
  );
}
