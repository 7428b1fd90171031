import { Command } from "commander";
import { withExamples } from "../help";
import { provisionerKeysCreateCommand } from "./provisioners-keys-create";
import { provisionerKeysDeleteCommand } from "./provisioners-keys-delete";
import { provisionerKeysListCommand } from "./provisioners-keys-list";
import { provisionersListCommand } from "./provisioners-list";

/** `taskyard provisioners …`: the registered provisioners and the keys remote ones sign in with (owner). */
export function registerProvisioners(program: Command) {
  const provisioners = program
    .command("provisioners")
    .description("The provisioners that run workspaces (the built-in one and remote daemons) and their keys — see the README's \"Provisioners and keys\"");
  provisioners.addCommand(provisionersListCommand().copyInheritedSettings(provisioners));
  const keys = new Command("keys")
    .alias("key")
    .description("Keys remote provisioner daemons sign in with (`taskyard provisioner --url … --key …`); owner only")
    .copyInheritedSettings(provisioners);
  for (const sub of [provisionerKeysListCommand, provisionerKeysCreateCommand, provisionerKeysDeleteCommand]) keys.addCommand(sub().copyInheritedSettings(keys));
  withExamples(keys, [
    ["A key for EU hosts: every daemon using it gets region=eu", "taskyard provisioners keys create eu-hosts --tag region=eu"],
    ["Revoke it (its daemons get no more jobs at once)", "taskyard provisioners keys delete eu-hosts"],
  ]);
  provisioners.addCommand(keys);
  withExamples(provisioners, [
    ["Which hosts run workspaces, and are they online", "taskyard provisioners list"],
    ["Make a key for a GPU host", "taskyard provisioners keys create gpu-1 --tag gpu=true"],
    ["Send a template's tasks only to EU hosts (a new version)", `echo '{"agent":{"kind":"echo"},"provisioner_tags":{"region":"eu"}}' | taskyard templates edit my-template --file -`],
  ]);
}
