import { Command } from "commander";
import { withExamples } from "../help";
import { templatesArchiveCommand } from "./templates-archive";
import { templatesListCommand } from "./templates-list";
import { templatesCreateCommand, templatesEditCommand } from "./templates-save";
import { templatesShowCommand } from "./templates-show";
import { templatesActivateCommand, templatesVersionsCommand } from "./templates-versions";

/** `taskyard templates …`: templates as data; every edit is a new version (see the README's Templates section). */
export function registerTemplates(program: Command) {
  const templates = program
    .command("templates")
    .alias("template")
    .description("Templates: the agent, models, setup script, env and secrets, MCP servers of a task; every edit is a new version (owners change them)");
  const subs = [templatesListCommand, templatesShowCommand, templatesCreateCommand, templatesEditCommand, templatesVersionsCommand, templatesActivateCommand, templatesArchiveCommand];
  for (const sub of subs) templates.addCommand(sub().copyInheritedSettings(templates));
  withExamples(templates, [
    ["See what there is", "taskyard templates list"],
    ["Create one", "taskyard templates create node-app --file node-app.json"],
    ["Change it (a new version, active at once)", "taskyard templates edit node-app --file node-app.json"],
    ["Roll back", "taskyard templates activate node-app v1"],
  ]);
}
