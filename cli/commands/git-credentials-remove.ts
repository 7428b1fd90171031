import { Command } from "commander";
import { withExamples } from "../help";
import { bold } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";

export function gitCredentialsRemoveCommand(): Command {
  const command = new Command("remove")
    .alias("rm")
    .description("Forget one of your git credentials")
    .argument("<credential>", "its id or host")
    .option("--user <user>", "another user's (owners and admins)", "me")
    .action(async (ref: string, opts: { user: string }) => {
      const client = await loggedInClient();
      const credentials = await doing("list git credentials", client.gitCredentials(opts.user));
      const credential = credentials.find((c) => c.id === ref || c.host === ref.toLowerCase());
      if (!credential) throw new Error(`no git credential "${ref}" (see \`taskyard git-credentials list\`)`);
      await doing("remove the git credential", client.deleteGitCredential(credential.id, opts.user));
      console.log(`Removed the git credential for ${bold(credential.host)}`);
    });
  return withExamples(command, [["Remove the one for a host", "taskyard git-credentials remove github.com"]]);
}
