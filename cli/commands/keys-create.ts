import { Command, Option } from "commander";
import { UsageError } from "../errors";
import { withExamples } from "../help";
import { bold, printJson } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";

const UNIT_SECONDS: Record<string, number> = { h: 3600, d: 86_400, w: 604_800 };

/** `12h`, `30d`, `8w` → seconds. */
export function parseExpiry(value: string): number {
  const match = /^(\d+)\s*([hdw])$/i.exec(value.trim());
  if (!match) throw new UsageError(`--expires "${value}" is not a duration like 12h, 30d or 8w`);
  return Number(match[1]) * UNIT_SECONDS[match[2].toLowerCase()];
}

export function keysCreateCommand(): Command {
  const command = new Command("create")
    .description("Create an API key; prints it ONCE (use it as TASKYARD_SESSION_TOKEN or `taskyard login --token`)")
    .option("--name <name>", "what it is for (unique among your keys)")
    .option("--expires <duration>", "how long it lasts: 12h, 30d, 8w (1h to a year; default 30d)")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (opts: { name?: string; expires?: string; output: "text" | "json" }) => {
      const lifetime = opts.expires === undefined ? undefined : parseExpiry(opts.expires);
      const { key } = await doing("create the key", (await loggedInClient()).createApiKey("me", { token_name: opts.name, lifetime_seconds: lifetime }));
      if (opts.output === "json") return printJson({ key });
      console.log(`Created API key ${bold(key.split("-")[0])}${opts.name ? ` (${opts.name})` : ""}. Shown only now:\n${key}`);
    });
  return withExamples(command, [["For CI, 90 days", "taskyard keys create --name ci --expires 90d"]]);
}
