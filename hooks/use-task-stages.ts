"use client";

import { useSyncExternalStore } from "react";
import type { Task } from "@/lib/sdk/client";

/**
 * The API reports a task's current status, not its history, so the dashboard remembers when it saw
 * each stage begin (list refreshes and the live stream both feed this), using the server's
 * own timestamp where one exists (creation, for `queued`). A stage seen only after it began has no
 * start, so no duration.
 */
export type StageKey = "queued" | "provisioning" | "agent" | "running" | "paused";
export const STAGE_ORDER: StageKey[] = ["queued", "provisioning", "agent", "running", "paused"];

/** `at` is null when the stage began before this browser was watching. */
export type StageEntry = { key: StageKey; at: number | null };

export function stageOf(task: Task): StageKey | undefined {
  switch (task.status) {
    case "pending":
      return "queued";
    case "initializing":
      return task.workspace_status === "running" ? "agent" : "provisioning";
    case "active":
      return "running";
    case "paused":
      return "paused";
    default:
      return undefined; // unknown/error: between stages, or the current one failed
  }
}

const STORAGE_KEY = "taskyard.stages";
let history: Record<string, StageEntry[]> = {};
let loaded = false;
const listeners = new Set<() => void>();

function load() {
  if (loaded || typeof window === "undefined") return;
  loaded = true;
  try {
    history = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "{}");
  } catch {
    history = {};
  }
}

function save() {
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(history));
  } catch {}
}

function firstSeen(task: Task, stage: StageKey, now: number): StageEntry[] {
  const index = STAGE_ORDER.indexOf(stage);
  const firstLifetime = task.workspace_build_number <= 1;
  const entries: StageEntry[] = [];
  const startFrom = firstLifetime ? 0 : Math.min(index, 1);
  for (let i = startFrom; i < index; i++) {
    const key = STAGE_ORDER[i];
    if (key === "paused") continue;
    entries.push({ key, at: key === "queued" && firstLifetime && task.created_at ? Date.parse(task.created_at) : null });
  }
  // Only creation is known for sure; a later stage seen for the first time began at some unknown point.
  const at = stage === "queued" ? (firstLifetime && task.created_at ? Date.parse(task.created_at) : now) : null;
  entries.push({ key: stage, at });
  return entries;
}

/** Records what a task looks like now; a stage it has not been seen in before starts now. */
export function observeTask(task: Task, now = Date.now()) {
  load();
  const stage = stageOf(task);
  if (!stage) return;
  const entries = history[task.id];
  const last = entries?.at(-1);
  if (last?.key === stage) return;
  let next: StageEntry[];
  if (!entries) next = firstSeen(task, stage, now);
  else if (STAGE_ORDER.indexOf(stage) < STAGE_ORDER.indexOf(last!.key) && last!.key === "paused") next = [{ key: stage, at: now }]; // resumed: a new lifetime
  else if (STAGE_ORDER.indexOf(stage) < STAGE_ORDER.indexOf(last!.key)) next = [...entries.filter((e) => STAGE_ORDER.indexOf(e.key) < STAGE_ORDER.indexOf(stage)), { key: stage, at: now }];
  else next = [...entries, { key: stage, at: now }];
  history = { ...history, [task.id]: next };
  save();
  listeners.forEach((l) => l());
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const EMPTY: StageEntry[] = [];

export function useTaskStages(taskId: string): StageEntry[] {
  return useSyncExternalStore(
    subscribe,
    () => {
      load();
      return history[taskId] ?? EMPTY;
    },
    () => EMPTY,
  );
}
