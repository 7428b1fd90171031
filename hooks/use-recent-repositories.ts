"use client";

import { useCallback, useSyncExternalStore } from "react";

const STORAGE_KEY = "taskyard.recentRepositories";
const MAX = 5;
const EMPTY: string[] = [];
const listeners = new Set<() => void>();
let cached: { raw: string | null; list: string[] } | undefined;

function read(): string[] {
  let raw: string | null = null;
  try {
    raw = localStorage.getItem(STORAGE_KEY);
  } catch {}
  if (cached?.raw === raw) return cached.list;
  let list: string[] = [];
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    if (Array.isArray(parsed)) list = parsed.filter((v): v is string => typeof v === "string").slice(0, MAX);
  } catch {}
  cached = { raw, list };
  return list;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  // Another tab's create box remembers repositories too.
  const onStorage = (e: StorageEvent) => e.key === STORAGE_KEY && listener();
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

/** The last five repositories tasks were created with in this browser, newest first. */
export function useRecentRepositories(): { recent: string[]; remember: (url: string) => void } {
  const recent = useSyncExternalStore(subscribe, read, () => EMPTY);
  const remember = useCallback((url: string) => {
    const next = [url, ...read().filter((u) => u !== url)].slice(0, MAX);
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    } catch {}
    listeners.forEach((l) => l());
  }, []);
  return { recent, remember };
}
