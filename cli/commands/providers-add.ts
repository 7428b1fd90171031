import { Command, Option } from "commander";
import { GIT_PROVIDER_KINDS } from "../../lib/validation/git-credentials";
import { withExamples } from "../help";
import { bold, printJson } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";

type Options = { apiUrl?: string; output: "text" | "json" };

export function providersAddCommand(): Command {
  const command = new Command("add")
    .description("Configure a git provider (owner only)")
    .addArgument(new Command().createArgument("<kind>", "github, gitlab or generic").choices(GIT_PROVIDER_KINDS))
    .argument("<host>", "its host, with a port when not the default (git.example.com:8443)")
    .option("--api-url <url>", "its API (default: https://api.github.com for github.com, https://<host>/api/v3 for GitHub Enterprise, https://<host>/api/v4 for GitLab)")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (kind: (typeof GIT_PROVIDER_KINDS)[number], host: string, opts: Options) => {
      const provider = await doing("add the git provider", (await loggedInClient()).createGitProvider({ kind, host, api_url: opts.apiUrl }));
      if (opts.output === "json") return printJson(provider);
      console.log(`Added ${provider.kind} provider ${bold(provider.host)}${provider.api_url ? ` (API ${provider.api_url})` : ""}: ${provider.id}`);
    });
  return withExamples(command, [
    ["GitHub", "taskyard providers add github github.com"],
    ["GitHub Enterprise Server", "taskyard providers add github ghe.example.com"],
    ["A lab's git server over plain http", "taskyard providers add generic git.lab.example:8080"],
  ]);
}
