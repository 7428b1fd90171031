import { CircleAlert } from "lucide-react";
import { TaskyardError } from "@/lib/sdk/client";
import { Button } from "./button";

export function errorMessage(error: unknown): string {
  if (error instanceof TaskyardError) {
    const v = error.body.validations?.map((x) => `${x.field}: ${x.detail}`).join("; ");
    return [error.body.message, error.body.detail, v].filter(Boolean).join(" — ");
  }
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

export function ErrorState({ title, error, onRetry, retrying = false }: { title: string; error: unknown; onRetry?: () => void; retrying?: boolean }) {
  return (
    <div role="alert" className="flex flex-col items-center gap-3 rounded-lg border border-red-200 bg-red-50 px-4 py-8 text-center dark:border-red-900/60 dark:bg-red-950/30">
      <CircleAlert aria-hidden className="size-6 text-red-600 dark:text-red-400" />
      <div>
        <p className="font-medium text-red-900 dark:text-red-200">{title}</p>
        <p className="mt-1 text-sm text-red-800/80 dark:text-red-300/80">{errorMessage(error)}</p>
      </div>
      {onRetry && (
        <Button onClick={onRetry} busy={retrying}>
          Try again
        </Button>
      )}
    </div>
  );
}

/** A one-line error under a form or control. */
export function InlineError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="text-sm text-red-700 dark:text-red-400">
      {errorMessage(error)}
    </p>
  );
}
