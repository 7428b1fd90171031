"use client";

import { LogOut } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMe, useSignOut } from "@/hooks/use-session";
import { Button } from "@/components/ui/button";
import { NotificationsToggle } from "@/components/notifications/notifications-toggle";
import { UserMenu } from "./user-menu";

export function AppHeader() {
  const me = useMe();
  const signOut = useSignOut();
  const router = useRouter();
  return (
    <header className="sticky top-0 z-20 border-b border-zinc-200 bg-white/85 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/85">
      <div className="mx-auto flex h-14 max-w-6xl items-center justify-between gap-3 px-3 sm:px-6">
        <Link href="/tasks" prefetch={false} className="flex items-center gap-2 rounded font-semibold tracking-tight">
          <span aria-hidden className="inline-block size-5 rounded-md bg-gradient-to-br from-zinc-700 to-zinc-950 ring-1 ring-zinc-900/10 dark:from-zinc-200 dark:to-zinc-400" />
          Taskyard
        </Link>
        <div className="flex min-w-0 items-center gap-2">
          <NotificationsToggle />
          <UserMenu me={me.data} />
          <Button
            variant="ghost"
            size="sm"
            busy={signOut.isPending}
            onClick={() => signOut.mutate(undefined, { onSettled: () => router.replace("/login") })}
          >
            <LogOut aria-hidden className="size-3.5" />
            Sign out
          </Button>
        </div>
      </div>
    </header>
  );
}
