import { z } from "zod";
import { env } from "../env";
import { nonBlankText, text } from "./common";
import { AUTO_PAUSE_PARAMETER, autoPauseProblem } from "../tasks/auto-pause";

export const TASK_STATUSES = ["pending", "initializing", "active", "paused", "unknown", "error"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_NAME_PATTERN = /^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$/;
const RESERVED_NAMES = new Set(["new", "create"]);
/** What a Go client sends, and Coder answers, for a UUID that is not set. */
export const ZERO_UUID = "00000000-0000-0000-0000-000000000000";

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

/** A URL or path `git clone` takes — and nothing that makes git run a command or read an option. */
const repoUrl = text()
  .max(2048, "must be at most 2048 characters")
  .refine((v) => !/[\s\u0000-\u001f]/.test(v), "must not contain spaces or control characters")
  .refine((v) => !v.startsWith("-") && !v.includes("::"), "is not a repository URL git may clone")
  .refine(
    (v) => /^(https?|ssh|git|file):\/\/[^/]/.test(v) || /^file:\/\/\//.test(v) || /^[\w.-]+@[\w.-]+:[^/]/.test(v) || v.startsWith("/"),
    "must be an https://, ssh://, git://, file:// URL, user@host:path, or an absolute path",
  );

/** A branch, tag or commit, as git would accept it in `--branch` or `checkout`. */
const baseRef = text()
  .max(255, "must be at most 255 characters")
  .regex(/^(?![-/.])(?!.*\.\.)(?!.*\/\/)(?!.*[./]$)(?!.*\.lock$)[A-Za-z0-9._/+-]+$/, "must be a branch, tag or commit name");

/** Seconds idle before the provisioner pauses the task (lib/tasks/auto-pause.ts); 0 is off. */
const autoPauseAfterIdle = text().superRefine((v, ctx) => {
  const problem = autoPauseProblem(v);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const PARAMETER_RULES: Record<string, z.ZodType<string>> = { repo_url: repoUrl, base_ref: baseRef, [AUTO_PAUSE_PARAMETER]: autoPauseAfterIdle };

/**
 * The parameters every task takes whatever its template (read by the provisioner and the model
 * gateway); a template's own are the names its presets set. Any other name is a typo that would
 * otherwise be stored and ignored (`repo` for `repo_url` made a task without its repository).
 */
export const BUILT_IN_PARAMETERS = ["repo_url", "base_ref", "model", "max_cost_usd", AUTO_PAUSE_PARAMETER] as const;

/** Coder's `rich_parameter_values`: per-task values that override the preset's of the same name. */
export const richParameterValues = z
  .array(
    z.object({
      name: text().regex(/^[a-z_][a-z0-9_]{0,63}$/, "must be a lowercase parameter name"),
      value: text().max(4096, "must be at most 4096 characters"),
    }),
  )
  .max(32, "at most 32 parameters")
  .superRefine((params, ctx) => {
    const seen = new Set<string>();
    params.forEach((p, i) => {
      if (seen.has(p.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `"${p.name}" is given twice` });
      seen.add(p.name);
      const rule = PARAMETER_RULES[p.name];
      const checked = rule && p.value !== "" ? rule.safeParse(p.value) : undefined;
      if (checked && !checked.success) ctx.addIssue({ code: "custom", path: [i, p.name], message: checked.error.issues[0].message });
    });
  });

/**
 * A prompt or follow-up input: not blank, and at most TASKYARD_MAX_PROMPT_BYTES of UTF-8 (read when
 * a request is checked, so the setting applies without this module knowing it at load).
 */
export const promptText = (what: string) =>
  nonBlankText(what).superRefine((s, ctx) => {
    const max = env().TASKYARD_MAX_PROMPT_BYTES;
    if (s.length > max || Buffer.byteLength(s, "utf8") > max) ctx.addIssue({ code: "custom", message: `must be at most ${max} bytes` });
  });

export const createTaskRequest = z.object({
  input: promptText("input"),
  template_version_id: z.uuid({ message: "must be a UUID" }),
  template_version_preset_id: optionalUuid,
  name: optionalText(taskName()),
  display_name: optionalText(text().max(64, "must be at most 64 characters")),
  rich_parameter_values: z.preprocess((v) => (v === null ? undefined : v), richParameterValues.optional()),
});

export const updateInputRequest = z.object({ input: promptText("input") });
export const updatePromptRequest = z.object({ prompt: promptText("prompt") });
export const sendTaskInputRequest = z.object({ input: promptText("input") });
/** `POST …/inputs`: the same input as `/send`, queued until the agent waits for it. */
export const queueTaskInputRequest = sendTaskInputRequest;
/** `POST …/pause`: `force` interrupts a working agent's turn first (without it, pausing mid-turn is a 409). The body may be left out. */
export const pauseTaskRequest = z.object({ force: z.boolean().optional() });

/** A failed task's repository, corrected before its retry: base_ref left out means the repository's default branch. */
export const updateRepositoryRequest = z.object({
  repo_url: repoUrl,
  base_ref: optionalText(baseRef),
});

export type CreateTaskRequest = z.infer<typeof createTaskRequest>;
export type UpdateRepositoryRequest = z.infer<typeof updateRepositoryRequest>;
