"use client";

import { Bell, BellOff, X } from "lucide-react";
import { Button } from "@/components/ui/button";
import { useNotificationOptIn, type OptInProblem } from "@/hooks/use-notification-opt-in";

const PROBLEMS: Record<OptInProblem, string> = {
  denied:
    "Your browser blocks notifications from this site. Allow them in the site’s settings (the icon left of the address), then turn them on here again.",
  unsupported: "This browser cannot show notifications.",
};

/**
 * The header's bell: turns browser notifications for my tasks on or off in this browser. Turning
 * them on is what asks the browser's permission (never before); a refusal is explained beside it.
 */
export function NotificationsToggle() {
  const { on, asking, problem, dismissProblem, turnOn, turnOff } = useNotificationOptIn();
  const Icon = on ? Bell : BellOff;
  return (
    <div className="relative">
      <Button
        variant="ghost"
        size="sm"
        aria-pressed={on}
        busy={asking}
        onClick={() => (on ? turnOff() : void turnOn())}
        title={on ? "Notifications on: you hear when your tasks need you. Click to turn off." : "Notify me when my tasks need input, complete or fail"}
      >
        {!asking && <Icon aria-hidden className={`size-3.5 ${on ? "text-emerald-600 dark:text-emerald-400" : ""}`} />}
        <span className="sr-only sm:not-sr-only">Notifications</span>
      </Button>
      {problem && (
        <div
          role="alert"
          className="absolute right-0 z-30 mt-1 flex w-[min(20rem,calc(100vw-1.5rem))] items-start gap-2 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 shadow-lg dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
        >
          <p className="flex-1">{PROBLEMS[problem]}</p>
          <button type="button" onClick={dismissProblem} aria-label="Dismiss" className="rounded p-0.5 hover:bg-amber-100 dark:hover:bg-amber-900">
            <X aria-hidden className="size-3.5" />
          </button>
        </div>
      )}
    </div>
  );
}
