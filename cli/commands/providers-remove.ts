import { Command } from "commander";
import { withExamples } from "../help";
import { bold } from "../output";
import { withPrompter } from "../prompt";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";

export function providersRemoveCommand(): Command {
  const command = new Command("remove")
    .alias("rm")
    .description("Remove a git provider and every user's git credential for it (owner only)")
    .argument("<provider>", "its id or host")
    .option("-y, --yes", "do not ask for confirmation")
    .action(async (ref: string, opts: { yes?: boolean }) => {
      const client = await loggedInClient();
      const providers = await doing("list git providers", client.gitProviders());
      const provider = providers.find((p) => p.id === ref || p.host === ref.toLowerCase());
      if (!provider) throw new Error(`no git provider "${ref}" (see \`taskyard providers list\`)`);
      await withPrompter((p) => p.confirm(`Remove ${bold(provider.host, process.stderr)} and every git credential for it?`, opts.yes));
      await doing("remove the git provider", client.deleteGitProvider(provider.id));
      console.log(`Removed git provider ${bold(provider.host)}`);
    });
  return withExamples(command, [["Remove one", "taskyard providers remove gitlab.example.com --yes"]]);
}
