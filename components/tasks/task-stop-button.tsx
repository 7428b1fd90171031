"use client";

import { Square } from "lucide-react";
import type { Task } from "@/lib/sdk/client";
import { useInterruptTask } from "@/hooks/use-tasks";
import { Button } from "@/components/ui/button";
import { InlineError } from "@/components/ui/error-state";
import { isAgentWorking } from "./task-status";

/** Stop, beside the status while the agent works: interrupts the turn (what it wrote stays), the workspace keeps running. */
export function TaskStopButton({ task }: { task: Task }) {
  const interrupt = useInterruptTask();
  if (!isAgentWorking(task) && !interrupt.isPending) return interrupt.error ? <InlineError error={interrupt.error} /> : null;
  return (
    <span className="inline-flex items-center gap-2">
      <Button
        size="sm"
        variant="secondary"
        busy={interrupt.isPending}
        title="Interrupt the agent’s turn; the workspace keeps running"
        onClick={() => interrupt.mutate({ owner: task.owner_name, name: task.name, id: task.id })}
      >
        {!interrupt.isPending && <Square aria-hidden className="size-3 fill-current" />}
        {interrupt.isPending ? "Stopping…" : "Stop"}
      </Button>
      {interrupt.error ? <InlineError error={interrupt.error} /> : null}
    </span>
  );
}
