import { z } from "zod";
import { nonBlankText, text } from "./common";

export const TASK_STATUSES = ["pending", "initializing", "active", "paused", "unknown", "error"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_NAME_PATTERN = /^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$/;
const RESERVED_NAMES = new Set(["new", "create"]);
const ZERO_UUID = "00000000-0000-0000-0000-000000000000";

/** Go clients send "" or the zero UUID for an unset optional id; both mean "absent". */
const optionalUuid = z.preprocess(
  (v) => (v === "" || v === ZERO_UUID || v === null ? undefined : v),
  z.uuid({ message: "must be a UUID" }).optional(),
);
const optionalText = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());

export const taskName = () =>
  text()
    .max(32, "must be at most 32 characters")
    .regex(TASK_NAME_PATTERN, "must be alphanumeric words joined by single dashes")
    .refine((s) => !RESERVED_NAMES.has(s.toLowerCase()), "is a reserved name");

export const createTaskRequest = z.object({
  input: nonBlankText("input"),
  template_version_id: z.uuid({ message: "must be a UUID" }),
  template_version_preset_id: optionalUuid,
  name: optionalText(taskName()),
  display_name: optionalText(text().max(64, "must be at most 64 characters")),
});

export const updateInputRequest = z.object({ input: nonBlankText("input") });
export const updatePromptRequest = z.object({ prompt: nonBlankText("prompt") });
export const sendTaskInputRequest = z.object({ input: nonBlankText("input") });

export type CreateTaskRequest = z.infer<typeof createTaskRequest>;
