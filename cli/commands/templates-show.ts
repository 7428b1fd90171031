import { Command, Option } from "commander";
import { withExamples } from "../help";
import { bold, printJson } from "../output";
import { loggedInClient } from "../session";
import { resolveTemplate } from "../template-ref";
import { doing } from "../task-ref";

export function templatesShowCommand(): Command {
  const command = new Command("show")
    .description("Show a template and its active version's config (secrets by name only; owners and admins)")
    .argument("<name>", "the template's name")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (name: string, opts: { output: "text" | "json" }) => {
      const client = await loggedInClient();
      const template = await resolveTemplate(client, name);
      const versions = await doing("list its versions", client.templateVersions(template.id));
      const active = versions.find((v) => v.active);
      if (opts.output === "json") return printJson({ ...template, active_version: active ?? null });
      console.log(`${bold(template.display_name)} (${template.name})${template.archived ? " — archived" : ""}`);
      if (template.description) console.log(template.description);
      console.log(`State: ${template.available ? "available" : `unavailable: ${template.unavailable_reason}`}`);
      console.log(`Active version: ${active ? `${active.name} of ${versions.length}` : "none"}`);
      if (!active) return;
      console.log(`Secrets: ${active.secret_names.length ? active.secret_names.join(", ") : "none"}`);
      console.log("Config:");
      console.log(JSON.stringify(active.config, null, 2));
    });
  return withExamples(command, [["Save its config to edit it", "taskyard templates show claude -o json > claude.json"]]);
}
