"use client";

import { useNow } from "@/hooks/use-now";
import { formatTimestamp, relativeTime } from "./format-time";

export function RelativeTime({ iso, prefix = "", className = "" }: { iso: string; prefix?: string; className?: string }) {
  const now = useNow();
  return (
    <time dateTime={iso} title={formatTimestamp(iso)} className={className}>
      {prefix}
      {now ? relativeTime(iso, now) : ""}
    </time>
  );
}
