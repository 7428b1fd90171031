import type { Command } from "commander";

/** Every command's `--help` ends with examples, as Coder's do. */
export function withExamples(command: Command, examples: [description: string, commandLine: string][]): Command {
  return command.addHelpText("after", `\nExamples:\n${examples.map(([d, c]) => `  - ${d}:\n      $ ${c}`).join("\n\n")}\n`);
}
