import "server-only";
import type { Db } from "../db/client";
import { findPreset, findTemplateVersion } from "../db/queries/templates";
import { insertTask, selectTasks } from "../db/queries/tasks";
import { insertBuild, insertWorkspace } from "../db/queries/workspaces";
import { ApiError } from "../api/errors";
import { isUniqueViolation } from "../auth/users";
import { env } from "../env";
import type { CreateTaskRequest } from "../validation/tasks";
import { generateTaskName, toDisplayName, withSuffix } from "./naming";

function namingOptions() {
  const { ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, ANTHROPIC_MODEL } = env();
  return ANTHROPIC_API_KEY ? { anthropic: { apiKey: ANTHROPIC_API_KEY, baseURL: ANTHROPIC_BASE_URL, model: ANTHROPIC_MODEL } } : {};
}

/**
 * Creates a task, its workspace and the workspace's first start build in ONE transaction, so a
 * provisioner can never see half a task. A generated name that collides is retried with a new suffix.
 */
export async function createTask(db: Db, input: { ownerId: string; organizationId: string; initiatorId: string; request: CreateTaskRequest }) {
  const { request } = input;
  const version = await findTemplateVersion(db, request.template_version_id);
  if (!version) throw ApiError.invalidField("template_version_id", "no template version with this id", "Template version not found.");
  if (request.template_version_preset_id) {
    const preset = await findPreset(db, request.template_version_preset_id);
    if (!preset || preset.templateVersionId !== version.id) {
      throw ApiError.invalidField("template_version_preset_id", "is not a preset of this template version", "Preset not found.");
    }
  }

  // A display name that is blank once tidied ("   ", "...") counts as missing, like an absent one.
  const explicitDisplayName = request.display_name ? toDisplayName(request.display_name) : "";
  const generated = request.name && explicitDisplayName ? null : await generateTaskName(request.input, namingOptions());
  const displayName = explicitDisplayName || generated!.displayName;

  for (let attempt = 0; ; attempt++) {
    const name = request.name ?? (attempt === 0 ? generated!.name : withSuffix(generated!.name.replace(/-[0-9a-f]{4}$/, "")));
    try {
      // The task is read inside the transaction: it is `pending` as created, whatever a provisioner
      // does the instant the commit wakes it.
      return await db.transaction(async (tx) => {
        const workspace = await insertWorkspace(tx, {
          organizationId: input.organizationId,
          ownerId: input.ownerId,
          templateId: version.templateId,
          name,
        });
        const task = await insertTask(tx, {
          organizationId: input.organizationId,
          ownerId: input.ownerId,
          name,
          displayName,
          prompt: request.input,
          templateVersionId: version.id,
          templateVersionPresetId: request.template_version_preset_id,
          workspaceId: workspace.id,
        });
        await insertBuild(tx, { workspaceId: workspace.id, transition: "start", templateVersionId: version.id, initiatorId: input.initiatorId });
        const [row] = await selectTasks(tx, { id: task.id });
        return row;
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (request.name || attempt >= 5) throw ApiError.conflict(`A task named "${name}" already exists.`, "Choose another name or leave it empty to generate one.");
    }
  }
}
