import { Command, Option } from "commander";
import { cliEnv } from "../../lib/env";
import type { RichParameterValue, TaskyardClient } from "../../lib/sdk/client";
import { UsageError } from "../errors";
import { withExamples } from "../help";
import { timestamp, bold } from "../output";
import { readStdin } from "../prompt";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";

type Options = {
  name?: string;
  owner: string;
  template?: string;
  templateVersion?: string;
  preset?: string;
  stdin?: boolean;
  quiet?: boolean;
  org?: string;
  param?: RichParameterValue[];
};

/** `name=value`, repeatable: the template's per-task parameters (`repo_url`, `base_ref`). */
function collectParam(value: string, previous: RichParameterValue[] = []): RichParameterValue[] {
  const eq = value.indexOf("=");
  if (eq <= 0) throw new UsageError(`--param "${value}" must be name=value`);
  return [...previous, { name: value.slice(0, eq), value: value.slice(eq + 1) }];
}

/** `-O`, else the default organization (a single-organization server has only that one). */
async function organization(client: TaskyardClient, ref: string | undefined): Promise<string> {
  if (ref) return ref;
  const orgs = await doing("list organizations", client.organizations());
  return (orgs.find((o) => o.is_default) ?? orgs[0]).id;
}

/** Coder's rule: without `--template`, a server with exactly one template that can run tasks uses it. */
async function templateName(client: TaskyardClient, org: string, name: string | undefined): Promise<string> {
  if (name) return name;
  const usable = (await doing("list templates", client.templates())).filter((t) => t.organization_id === org && t.available);
  if (usable.length === 1) return usable[0].name;
  if (usable.length === 0) throw new Error("no template on this server can run tasks");
  throw new UsageError(`template name not provided, available templates: ${usable.map((t) => t.name).join(", ")}`);
}

async function presetId(client: TaskyardClient, versionId: string, name: string | undefined): Promise<string | undefined> {
  if (!name || name.toLowerCase() === "none") return undefined;
  const presets = await doing("get template presets", client.presets(versionId));
  const preset = presets.find((p) => p.Name.toLowerCase() === name.toLowerCase());
  if (!preset) throw new Error(`preset "${name}" not found; available presets: ${presets.map((p) => p.Name).join(", ") || "none"}`);
  return preset.ID;
}

export function taskCreateCommand(): Command {
  const env = cliEnv();
  const command = new Command("create")
    .description("Create a task")
    .argument("[input]", "what the agent should do")
    .option("--name <name>", "the task's name (generated when omitted)")
    .option("--owner <user>", "the task's owner", "me")
    .addOption(new Option("--template <name>", "template (optional when only one can run tasks)").default(env.TASKYARD_TASK_TEMPLATE_NAME, env.TASKYARD_TASK_TEMPLATE_NAME && "$TASKYARD_TASK_TEMPLATE_NAME"))
    .addOption(new Option("--template-version <name>", "template version (default: the active one)").default(env.TASKYARD_TASK_TEMPLATE_VERSION, env.TASKYARD_TASK_TEMPLATE_VERSION && "$TASKYARD_TASK_TEMPLATE_VERSION"))
    .addOption(new Option("--preset <name>", 'preset name, or "none" for the template\'s default').default(env.TASKYARD_TASK_PRESET_NAME, env.TASKYARD_TASK_PRESET_NAME && "$TASKYARD_TASK_PRESET_NAME"))
    .option("--param <name=value>", "a task parameter: repo_url, base_ref, model (one of the template's), max_cost_usd or auto_pause_after_idle (seconds, 0 = off) (repeatable)", collectParam)
    .option("--stdin", "read the input from stdin")
    .option("-q, --quiet", "only print the created task's id")
    .option("-O, --org <organization>", "organization name or id (default: the default organization)")
    .action(async (input: string | undefined, opts: Options) => {
      const text = opts.stdin ? await readStdin() : input;
      if (text === undefined) throw new UsageError("expected an input for the task (an argument, or --stdin)");
      if (!text.trim()) throw new UsageError("a task cannot be started with an empty input");
      const client = await loggedInClient();
      const org = await organization(client, opts.org);
      const template = await templateName(client, org, opts.template);
      const versionId = opts.templateVersion
        ? (await doing("get template version", client.templateVersionByName(org, template, opts.templateVersion))).id
        : (await doing(`get template "${template}"`, client.templateByName(org, template))).active_version_id;
      const task = await doing(
        "create task",
        client.createTask(
          {
            input: text,
            template_version_id: versionId,
            template_version_preset_id: await presetId(client, versionId, opts.preset),
            name: opts.name,
            rich_parameter_values: opts.param,
          },
          opts.owner,
        ),
      );
      if (opts.quiet) console.log(task.id);
      else console.log(`The task ${bold(task.name)} has been created at ${timestamp(task.created_at!)}!`);
    });
  return withExamples(command, [
    ["Create a task with direct input", 'taskyard task create "Add authentication to the user service"'],
    ["Create a task with stdin input", 'echo "Add authentication to the user service" | taskyard task create --stdin'],
    ["Create a task with a specific name", 'taskyard task create --name task1 "Add authentication to the user service"'],
    ["Create a task from a template and preset, on a repository", 'taskyard task create --template claude --preset Default --param repo_url=https://github.com/acme/api "Fix the flaky test"'],
    ["Run on a bigger model, with a spending limit", 'taskyard task create --template claude --param model=claude-opus-4-5 --param max_cost_usd=2.50 "Plan the migration"'],
    ["Create a task for another user (admins)", 'taskyard task create --owner alice "Add authentication to the user service"'],
  ]);
}
