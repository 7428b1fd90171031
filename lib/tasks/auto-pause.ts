/**
 * Idle auto-pause: the setting's name, bounds and default, and how a pause it made is described.
 * Shared by the request validation, the provisioner's sweep (lib/db/queries/auto-pause.ts), the
 * Task serializer and the dashboard, so no module has its own copy of any of them.
 */

/** The rich parameter (and template config key) in seconds; 0 turns auto-pause off. */
export const AUTO_PAUSE_PARAMETER = "auto_pause_after_idle";
/** Without a setting on the task, its preset or its template: 30 minutes. */
export const DEFAULT_AUTO_PAUSE_SECONDS = 30 * 60;
/** 30 days: longer is as good as off, and a bound keeps the value an int4 the database can add to a time. */
export const MAX_AUTO_PAUSE_SECONDS = 30 * 24 * 60 * 60;
/** The build reason of a stop the provisioner queued for an idle task (Coder's word for a scheduled stop). */
export const AUTO_PAUSE_REASON = "autostop";

/** Why a value is not a valid `auto_pause_after_idle`, or undefined when it is. */
export function autoPauseProblem(value: string): string | undefined {
  if (!/^\d{1,8}$/.test(value)) return "must be a whole number of seconds (0 turns auto-pause off)";
  if (Number(value) > MAX_AUTO_PAUSE_SECONDS) return `must be at most ${MAX_AUTO_PAUSE_SECONDS} seconds (30 days)`;
  return undefined;
}

/** "2 s", "30 min", "1 h 30 min", "2 d": a duration as a person reads it. */
export function formatIdleDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
  }
  if (seconds < 86_400) {
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  return hours ? `${days} d ${hours} h` : `${days} d`;
}

/** What a task paused by the sweep says ("Paused after 30 min idle"). */
export function idlePauseReason(idleSeconds: number): string {
  return `Paused after ${formatIdleDuration(idleSeconds)} idle`;
}
