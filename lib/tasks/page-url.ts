/** A task's page on the dashboard under `base` (the access URL, or the address a caller used): for links from forges and webhooks. */
export function taskPageUrlAt(base: string, task: { owner_name: string; name: string }): string {
  return `${base.replace(/\/+$/, "")}/tasks/${encodeURIComponent(task.owner_name)}/${encodeURIComponent(task.name)}`;
}
