"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, useSyncExternalStore } from "react";
import { TaskyardError } from "@/lib/sdk/client";
import { api } from "@/hooks/api-client";
import { Button } from "@/components/ui/button";
import { InlineError } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { AuthCard, FormField } from "./auth-card";

const noSubscription = () => () => {};

/** `/invite?code=…`: the invited user chooses a password, is signed in and lands on their tasks. */
export function InviteForm() {
  const router = useRouter();
  const qc = useQueryClient();
  // Read after hydration (the page is prerendered without its query string); null until then.
  const code = useSyncExternalStore(
    noSubscription,
    () => new URLSearchParams(window.location.search).get("code") ?? "",
    () => null,
  );
  const invite = useQuery({ queryKey: ["invite", code], queryFn: () => api.invite(code!), enabled: !!code, retry: false, staleTime: Infinity });
  const accept = useMutation({ mutationFn: (password: string) => api.acceptInvite(code!, password) });
  const [password, setPassword] = useState("");
  const passwordError = accept.error instanceof TaskyardError ? accept.error.body.validations?.find((v) => v.field === "password")?.detail : undefined;

  if (code === "" || invite.error) {
    const gone = !code || (invite.error instanceof TaskyardError && invite.error.status === 404);
    return (
      <AuthCard title="This invite link does not work" subtitle={gone ? "It may have been used already, or expired. Ask whoever invited you for a new one." : "Something went wrong."}>
        {!gone && <InlineError error={invite.error} />}
      </AuthCard>
    );
  }
  if (code === null || !invite.data) {
    return (
      <AuthCard title="Join Taskyard" subtitle="Checking your invite…">
        <Skeleton className="h-10 w-full" />
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Join Taskyard" subtitle={`Choose a password for ${invite.data.username} (${invite.data.email}).`}>
      <form
        className="flex flex-col gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          accept.mutate(password, {
            onSuccess: () => {
              qc.clear();
              router.replace("/tasks");
            },
          });
        }}
      >
        <FormField
          id="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          autoFocus
          minLength={8}
          hint="At least 8 characters."
          value={password}
          error={passwordError}
          onChange={(e) => setPassword(e.target.value)}
        />
        {!passwordError && <InlineError error={accept.error} />}
        <Button type="submit" variant="primary" busy={accept.isPending || accept.isSuccess} className="w-full">
          Set password and sign in
        </Button>
      </form>
    </AuthCard>
  );
}
