import { ApiError } from "../api/errors";
import type { TemplateConfig } from "../db/schema";

/** The `model` a task asked for, if it did. */
const chosen = (parameters: { name: string; value: string }[]) => parameters.find((p) => p.name === "model")?.value.trim() || undefined;

/** The model a task runs on: its `model` parameter, else its template's first; undefined when the template lists none (any goes). */
export function taskModel(config: Pick<TemplateConfig, "models"> | null, parameters: { name: string; value: string }[]): string | undefined {
  const models = config?.models;
  if (!models?.length) return chosen(parameters);
  return chosen(parameters) ?? models[0];
}

/** At create: a task may pick one of its template's models (the answer names the field and the choices). */
export function assertTaskModel(config: Pick<TemplateConfig, "models"> | null, parameters: { name: string; value: string }[]) {
  const index = parameters.findIndex((p) => p.name === "model");
  const models = config?.models;
  if (index < 0 || !models?.length) return;
  if (!models.includes(parameters[index].value.trim())) {
    throw ApiError.invalidField(`rich_parameter_values.${index}.value`, `model must be one of the template's: ${models.join(", ")}`);
  }
}

/** The model a call may use: the one it names if the template allows it, else the task's (the gateway rewrites it). */
export function allowedModel(config: Pick<TemplateConfig, "models"> | null, parameters: { name: string; value: string }[], requested: string | undefined): string | undefined {
  const models = config?.models;
  if (!models?.length || (requested && models.includes(requested))) return requested;
  return taskModel(config, parameters);
}
