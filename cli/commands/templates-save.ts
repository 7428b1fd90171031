import { Command, Option } from "commander";
import { withExamples } from "../help";
import { bold, printJson } from "../output";
import { loggedInClient } from "../session";
import { readConfigFile, resolveTemplate } from "../template-ref";
import { doing } from "../task-ref";

const CONFIG_HELP = 'the config as JSON ("-" reads stdin): {"agent": {"kind": "echo|claude-code|acp|agentapi", "command": [...]}, "models", "setup_script", "setup_timeout_s", "env": {NAME: value}, "secrets": {NAME: value}, "mcp_servers", "provisioner_tags": {k: v}, ...}';

export function templatesCreateCommand(): Command {
  const command = new Command("create")
    .description("Create a template (owner only); its config becomes version 1, active")
    .argument("<name>", "lower case letters, digits and dashes, e.g. node-app")
    .requiredOption("-f, --file <config.json>", CONFIG_HELP)
    .option("--display-name <text>", "its name in pickers (default: the name)")
    .option("--description <text>", "a sentence about it")
    .option("--icon <path>", "an icon path such as /icon/claude.svg, or an https URL")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (name: string, opts: { file: string; displayName?: string; description?: string; icon?: string; output: "text" | "json" }) => {
      const config = await readConfigFile(opts.file);
      const client = await loggedInClient();
      const template = await doing("create the template", client.createTemplate({ name, display_name: opts.displayName ?? name, description: opts.description, icon: opts.icon, config }));
      if (opts.output === "json") return printJson(template);
      console.log(`Created template ${bold(template.name)} (version v1, active).`);
    });
  return withExamples(command, [
    ["From a file", "taskyard templates create node-app --file node-app.json --display-name 'Node app'"],
    ["From stdin", `echo '{"agent":{"kind":"echo"}}' | taskyard templates create scratch --file -`],
  ]);
}

export function templatesEditCommand(): Command {
  const command = new Command("edit")
    .description("Save a new version of a template (owner only); secrets not named in the file are kept, \"NAME\": null removes one")
    .argument("<name>", "the template's name")
    .requiredOption("-f, --file <config.json>", CONFIG_HELP)
    .option("--activate", "make the new version the active one (the default)", true)
    .option("--no-activate", "save it without making it active (activate it later with `taskyard templates activate`)")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (name: string, opts: { file: string; activate: boolean; output: "text" | "json" }) => {
      const config = await readConfigFile(opts.file);
      const client = await loggedInClient();
      const template = await resolveTemplate(client, name);
      const version = await doing("save the new version", client.createTemplateVersion(template.id, { config, activate: opts.activate }));
      if (opts.output === "json") return printJson(version);
      console.log(
        version.active
          ? `Saved ${bold(version.name)} of ${template.name}; new tasks use it (running tasks keep theirs).`
          : `Saved ${bold(version.name)} of ${template.name}, not active: \`taskyard templates activate ${template.name} ${version.name}\` makes it so.`,
      );
    });
  return withExamples(command, [
    ["Edit a template's config", "taskyard templates show node-app -o json > node-app.json && $EDITOR node-app.json && taskyard templates edit node-app --file node-app.json"],
    ["Save a version to try later", "taskyard templates edit node-app --file next.json --no-activate"],
  ]);
}
