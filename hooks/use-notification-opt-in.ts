"use client";

import { useCallback, useState, useSyncExternalStore } from "react";

/** Per browser: the user's own choice, kept apart from the browser's permission (which may outlive it). */
const STORAGE_KEY = "taskyard:notifications";

const watchers = new Set<() => void>();
function subscribe(watch: () => void) {
  watchers.add(watch);
  // Another tab of the same browser changing the choice.
  window.addEventListener("storage", watch);
  return () => {
    watchers.delete(watch);
    window.removeEventListener("storage", watch);
  };
}

function storedChoice(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) === "on";
  } catch {
    return false;
  }
}

function storeChoice(on: boolean) {
  try {
    if (on) localStorage.setItem(STORAGE_KEY, "on");
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage refused (private mode): the choice lasts until the page closes.
  }
  watchers.forEach((w) => w());
}

export const notificationsSupported = () => typeof window !== "undefined" && "Notification" in window;

/** Whether this browser shows Taskyard's notifications: the user opted in here and the browser allows them. */
export function useNotificationsOn(): boolean {
  const chosen = useSyncExternalStore(subscribe, storedChoice, () => false);
  return chosen && notificationsSupported() && Notification.permission === "granted";
}

export type OptInProblem = "unsupported" | "denied";

/**
 * The bell's state and actions. The browser is asked for its permission only here, when the user
 * turns notifications on (never at load); when it refuses (now or earlier), `problem` says so.
 */
export function useNotificationOptIn() {
  const on = useNotificationsOn();
  const [problem, setProblem] = useState<OptInProblem | null>(null);
  const [asking, setAsking] = useState(false);

  const turnOn = useCallback(async () => {
    if (!notificationsSupported()) return setProblem("unsupported");
    let permission = Notification.permission;
    if (permission === "default") {
      setAsking(true);
      try {
        permission = await Notification.requestPermission();
      } finally {
        setAsking(false);
      }
    }
    if (permission !== "granted") return setProblem("denied");
    setProblem(null);
    storeChoice(true);
  }, []);

  const turnOff = useCallback(() => {
    setProblem(null);
    storeChoice(false);
  }, []);

  return { on, asking, problem, dismissProblem: () => setProblem(null), turnOn, turnOff };
}
