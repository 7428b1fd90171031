import { Command } from "commander";
import { withExamples } from "../help";
import { bold } from "../output";
import { loggedInClient } from "../session";
import { resolveTemplate } from "../template-ref";
import { doing } from "../task-ref";

export function templatesArchiveCommand(): Command {
  const command = new Command("archive")
    .description("Archive a template: pickers stop offering it and it takes no new tasks; its tasks keep running (owner only)")
    .argument("<name>", "the template's name")
    .option("--undo", "unarchive it")
    .action(async (name: string, opts: { undo?: boolean }) => {
      const client = await loggedInClient();
      const template = await resolveTemplate(client, name);
      await doing(opts.undo ? "unarchive it" : "archive it", client.updateTemplate(template.id, { archived: !opts.undo }));
      console.log(opts.undo ? `${bold(template.name)} is offered for new tasks again.` : `Archived ${bold(template.name)}; its running tasks are unaffected.`);
    });
  return withExamples(command, [
    ["Retire a template", "taskyard templates archive agentapi"],
    ["Bring it back", "taskyard templates archive agentapi --undo"],
  ]);
}
