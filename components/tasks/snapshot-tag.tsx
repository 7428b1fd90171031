import { RelativeTime } from "@/components/ui/relative-time";

/** The tag of anything served from a stored snapshot (the conversation, the changes): when it was taken. */
export function SnapshotTag({ at, testId }: { at: string | undefined; testId: string }) {
  return (
    <span data-testid={testId} className="rounded-full bg-zinc-100 px-2 py-0.5 text-xs font-medium text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
      Snapshot
      {at ? (
        <>
          {" · "}
          <RelativeTime iso={at} prefix="captured " />
        </>
      ) : (
        " · none captured yet"
      )}
    </span>
  );
}
