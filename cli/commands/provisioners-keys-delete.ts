import { Command } from "commander";
import { withExamples } from "../help";
import { bold } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";

export function provisionerKeysDeleteCommand(): Command {
  const command = new Command("delete")
    .alias("rm")
    .description("Revoke a provisioner key at once: its daemons' next call is refused and they leave the provisioners list")
    .argument("<key>", "its name, its id or the start of its id (as `list` shows)")
    .action(async (ref: string) => {
      const client = await loggedInClient();
      const keys = await doing("list provisioner keys", client.provisionerKeys());
      const lower = ref.toLowerCase();
      const exact = keys.find((k) => k.name === lower || k.id === lower);
      const prefixed = lower.length >= 4 ? keys.filter((k) => k.id.startsWith(lower)) : [];
      if (!exact && prefixed.length > 1) throw new Error(`"${ref}" starts ${prefixed.length} keys' ids; give more of it`);
      const key = exact ?? prefixed[0];
      if (!key) throw new Error(`no provisioner key "${ref}" (see \`taskyard provisioners keys list\`)`);
      await doing("delete the provisioner key", client.deleteProvisionerKey(key.id));
      console.log(`Deleted provisioner key ${bold(key.name)} (${key.id}); daemons using it get no more jobs.`);
    });
  return withExamples(command, [["By name", "taskyard provisioners keys delete eu-hosts"]]);
}
