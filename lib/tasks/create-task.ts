import { assertCredentialForRepository } from "../git-credentials/credentials";
import "server-only";
import { sql } from "drizzle-orm";
import type { Db, Tx } from "../db/client";
import { creationContext, insertTaskWithWorkspace, selectTasks, type TaskRow } from "../db/queries/tasks";
import { findTemplateVersion, listPresets } from "../db/queries/templates";
import type { TemplateConfig } from "../db/schema";
import { ApiError } from "../api/errors";
import { isUniqueViolation } from "../auth/users";
import { env } from "../env";
import { CREDENTIALS_REFUSED, hasCredentials, localRepositoryPath, localRepositoryProblem } from "../repo-url";
import { assertTaskBudget } from "../gateway/budgets";
import { assertTaskModel } from "../gateway/models";
import { templateAvailability } from "../templates/availability";
import { BUILT_IN_PARAMETERS, type CreateTaskRequest } from "../validation/tasks";
import { generateTaskName, toDisplayName, withSuffix } from "./naming";

/** With the owner's id, serialises one owner's task creations (see the limit below). */
const TASK_LIMIT_LOCK = 7_310_002;

function namingOptions() {
  const { ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, ANTHROPIC_MODEL } = env();
  return ANTHROPIC_API_KEY ? { anthropic: { apiKey: ANTHROPIC_API_KEY, baseURL: ANTHROPIC_BASE_URL, model: ANTHROPIC_MODEL } } : {};
}

/**
 * Creates a task, its workspace and the workspace's first start build in one statement (a
 * provisioner never sees half a task), unless its owner already has as many tasks as one may;
 * reads it back in the same transaction — `pending`, as the provisioners are woken only when it
 * commits. A generated name that collides is retried with a new suffix. Round trips: one to
 * check, then the transaction (the owner's lock, the insert, the read).
 */
export async function createTask(
  db: Db,
  input: {
    ownerId: string;
    initiatorId: string;
    request: CreateTaskRequest;
    /** What must commit with the task or not at all (a GitHub issue's link and its first comment); throwing rolls the task back. */
    withTask?: (tx: Tx, task: TaskRow) => Promise<void>;
  },
) {
  const { request } = input;
  const maxLiveTasks = env().TASKYARD_MAX_TASKS_PER_USER;
  const context = await creationContext(db, input.ownerId, request.template_version_id);
  assertCanRun(context.config);
  if (context.archived) throw ApiError.invalidField("template_version_id", "its template is archived", "This template is archived: it takes no new tasks.");
  if (context.liveTasks >= maxLiveTasks) throw tooManyTasks(maxLiveTasks); // before naming it, which may ask a model
  await assertKnownParameters(db, request.template_version_id, request.rich_parameter_values ?? []);
  const parameters = request.rich_parameter_values ?? [];
  const repoIndex = parameters.findIndex((p) => p.name === "repo_url");
  const repoField = `rich_parameter_values.${repoIndex}.repo_url`;
  if (repoIndex >= 0 && parameters[repoIndex].value) await assertRepositoryAllowed(db, { ownerId: input.ownerId, url: parameters[repoIndex].value, field: repoField });
  assertTaskBudget(parameters, context.config?.budget);
  assertTaskModel(context.config, parameters);
  // A display name that is blank once tidied ("   ", "...") counts as missing, like an absent one.
  const explicitDisplayName = request.display_name ? toDisplayName(request.display_name) : "";
  const generated = request.name && explicitDisplayName ? null : await generateTaskName(request.input, namingOptions());
  const displayName = explicitDisplayName || generated!.displayName;

  for (let attempt = 0; ; attempt++) {
    const name = request.name ?? (attempt === 0 ? generated!.name : withSuffix(generated!.name.replace(/-[0-9a-f]{4}$/, "")));
    try {
      const task = await db.transaction(async (tx) => {
        // Every task is a workspace and a process: a user has a limited number. Creations by one
        // owner take turns, so a burst of them cannot all count the same free places.
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${TASK_LIMIT_LOCK}, hashtext(${input.ownerId}))`);
        const created = await insertTaskWithWorkspace(tx, {
          ownerId: input.ownerId,
          initiatorId: input.initiatorId,
          name,
          displayName,
          prompt: request.input,
          templateVersionId: request.template_version_id,
          presetId: request.template_version_preset_id,
          parameters: request.rich_parameter_values ?? [],
          maxLiveTasks,
        });
        const row = created && (await selectTasks(tx, { id: created.task_id }))[0];
        if (row && input.withTask) await input.withTask(tx, row);
        return row;
      });
      if (task) return task;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (request.name || attempt >= 5) throw ApiError.conflict(`A task named "${name}" already exists.`, "Choose another name or leave it empty to generate one.");
      continue;
    }
    throw await whyNotCreated(db, request, maxLiveTasks);
  }
}

function versionNotFound(): ApiError {
  return ApiError.invalidField("template_version_id", "no template version with this id", "Template version not found.");
}

function tooManyTasks(limit: number): ApiError {
  return ApiError.tooManyRequests(`A user may have at most ${limit} tasks.`, undefined, "Delete tasks that are done, then try again.");
}

/** A template that cannot run here (no API key, a missing command) is refused up front, with the reason. */
function assertCanRun(config: TemplateConfig | null) {
  if (!config) throw versionNotFound();
  const { available, unavailable_reason } = templateAvailability(config);
  if (!available) throw ApiError.invalidField("template_version_id", unavailable_reason, `This template cannot run on this server: ${unavailable_reason}`);
}

/**
 * Every parameter name must mean something to this task: a built-in one or one the template's
 * presets set. The presets are read only when a name is not built in.
 */
async function assertKnownParameters(db: Db, templateVersionId: string, parameters: { name: string; value: string }[]) {
  const builtIn = new Set<string>(BUILT_IN_PARAMETERS);
  if (parameters.every((p) => builtIn.has(p.name))) return;
  const own = new Set((await listPresets(db, templateVersionId)).flatMap((preset) => preset.parameters.map((p) => p.name)));
  const valid = [...builtIn, ...[...own].filter((n) => !builtIn.has(n)).sort()];
  const validations = parameters.flatMap((p, i) =>
    builtIn.has(p.name) || own.has(p.name) ? [] : [{ field: `rich_parameter_values.${i}.name`, detail: `"${p.name}" is not a parameter of this template; valid names: ${valid.join(", ")}` }],
  );
  if (validations.length === 0) return;
  const unknown = parameters.filter((p) => !builtIn.has(p.name) && !own.has(p.name)).map((p) => `"${p.name}"`);
  throw ApiError.badRequest(`Unknown parameter${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}. Valid names: ${valid.join(", ")}.`, validations);
}

/**
 * The repository rules only the server can judge (lib/repo-url.ts): no credentials in the URL, a
 * local path only from the roots the owner allows, and the owner's credential for a configured
 * provider's host. Each answer names `field`. Create, the repository's correction and resume share it.
 */
export async function assertRepositoryAllowed(db: Db, input: { ownerId: string; url: string; field: string }) {
  const { url, field } = input;
  if (hasCredentials(url)) throw ApiError.invalidField(field, CREDENTIALS_REFUSED, `The repository URL ${CREDENTIALS_REFUSED}.`);
  let local: string | undefined;
  try {
    local = localRepositoryPath(url);
  } catch (error) {
    throw ApiError.invalidField(field, (error as Error).message);
  }
  const problem = local && localRepositoryProblem(local, env().TASKYARD_LOCAL_REPO_ROOTS);
  if (problem) throw ApiError.invalidField(field, problem, `The repository URL ${problem}.`);
  // A private repository on a configured provider's host clones with the owner's credential: without one, say so now, not at the first start.
  await assertCredentialForRepository(db, input.ownerId, url, field);
}

/** Only on the error path: say what stopped the insert — the template version, the preset, or else the owner's task limit. */
async function whyNotCreated(db: Db, request: CreateTaskRequest, maxLiveTasks: number): Promise<ApiError> {
  const version = await findTemplateVersion(db, request.template_version_id);
  if (!version) return versionNotFound();
  const presetId = request.template_version_preset_id;
  if (presetId && !(await listPresets(db, version.id)).some((p) => p.id === presetId)) {
    return ApiError.invalidField("template_version_preset_id", "is not a preset of this template version", "Preset not found.");
  }
  return tooManyTasks(maxLiveTasks);
}
