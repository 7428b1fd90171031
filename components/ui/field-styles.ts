/** Shared looks for text inputs, textareas and selects. */
export const inputClass =
  "w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm text-zinc-900 placeholder:text-zinc-400 disabled:bg-zinc-100 disabled:text-zinc-500 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-500 dark:disabled:bg-zinc-800";

export const selectClass =
  "h-9 min-w-0 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900 disabled:text-zinc-400 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100";

export const labelClass = "text-xs font-medium text-zinc-600 dark:text-zinc-400";
