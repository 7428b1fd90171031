import { Command, Option } from "commander";
import { UsageError } from "../errors";
import { withExamples } from "../help";
import { bold, printJson } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";
import { parseTagList, renderTags } from "../../lib/validation/provisioners";

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function provisionerKeysCreateCommand(): Command {
  const command = new Command("create")
    .description("Create a provisioner key; prints it ONCE (give it to `taskyard provisioner --key` on the host, e.g. from a secret store)")
    .argument("<name>", "what it is for: lower-case letters, digits and dashes (e.g. eu-hosts), unique")
    .option("-t, --tag <k=v>", "pin a tag: every daemon using the key has exactly the key's tags (repeat, or k=v,k=v); none: daemons bring their own --tag", collect)
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (name: string, opts: { tag?: string[]; output: "text" | "json" }) => {
      const parsed = parseTagList(opts.tag ?? []);
      if ("error" in parsed) throw new UsageError(`--tag ${parsed.error}`);
      const created = await doing("create the provisioner key", (await loggedInClient()).createProvisionerKey({ name, tags: parsed.tags }));
      if (opts.output === "json") return printJson(created);
      const tags = renderTags(created.tags);
      console.log(`Created provisioner key ${bold(created.name)}${tags ? ` pinning ${tags}` : " (daemons bring their own --tag)"}. Shown only now — store it where the host's daemon reads it:`);
      console.log(created.key);
      console.log(`\nOn the host: taskyard provisioner --url <this server's URL> --key <the key>`);
    });
  return withExamples(command, [
    ["A key for EU hosts", "taskyard provisioners keys create eu-hosts --tag region=eu"],
    ["Two pinned tags", "taskyard provisioners keys create eu-gpu --tag region=eu --tag gpu=true"],
    ["Daemons choose their own tags", "taskyard provisioners keys create lab"],
  ]);
}
