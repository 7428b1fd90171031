/** Tags as `k=v` chips (text, never markup); a dash for none. */
export function TagChips({ tags, none = "no tags" }: { tags: Record<string, string>; none?: string }) {
  const entries = Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return <span className="text-xs text-zinc-500">{none}</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {entries.map(([k, v]) => (
        <span key={k} className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
          {k}={v}
        </span>
      ))}
    </span>
  );
}
