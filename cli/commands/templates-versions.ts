import { Command, Option } from "commander";
import { withExamples } from "../help";
import { ago, bold, printJson, renderTable } from "../output";
import { loggedInClient } from "../session";
import { resolveTemplate, versionName } from "../template-ref";
import { doing } from "../task-ref";

export function templatesVersionsCommand(): Command {
  const command = new Command("versions")
    .description("List a template's versions, newest first, and which one is active (owners and admins)")
    .argument("<name>", "the template's name")
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (name: string, opts: { output: "table" | "json" }) => {
      const client = await loggedInClient();
      const template = await resolveTemplate(client, name);
      const versions = await doing("list its versions", client.templateVersions(template.id));
      if (opts.output === "json") return printJson(versions);
      const rows = versions.map((v) => [v.name, v.active ? "active" : "", String(v.config.agent && (v.config.agent as { kind: string }).kind), v.secret_names.join(",") || "-", ago(v.created_at)]);
      console.log(renderTable(["VERSION", "ACTIVE", "AGENT", "SECRETS", "CREATED"], rows));
    });
  return withExamples(command, [["As JSON, with each version's config", "taskyard templates versions claude -o json"]]);
}

export function templatesActivateCommand(): Command {
  const command = new Command("activate")
    .description("Make a version the active one: new tasks get it, existing tasks keep the version they were created from (owner only)")
    .argument("<name>", "the template's name")
    .argument("<version>", "a version name (v2) or number (2)")
    .action(async (name: string, ref: string) => {
      const client = await loggedInClient();
      const template = await resolveTemplate(client, name);
      const version = await doing(`find version ${ref}`, client.templateVersionByName("default", template.name, versionName(ref)));
      await doing("activate it", client.activateTemplateVersion(template.id, version.id));
      console.log(`${bold(version.name)} is now the active version of ${template.name}.`);
    });
  return withExamples(command, [["Roll back to the first version", "taskyard templates activate node-app v1"]]);
}
