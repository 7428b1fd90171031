/**
 * The top-level commands of the previous release (`taskyard tasks`, `create`, `show`, …), kept
 * hidden for one more release: each says which `taskyard task` command replaces it, then runs it.
 */
const TASK_SUBCOMMANDS = new Set(["create", "list", "ls", "status", "stat", "logs", "send", "pause", "resume", "edit", "delete", "rm", "help"]);

/** Old commands took their prompt as loose words; the new ones take one argument. */
function joinWords(args: string[], valueFlags: Set<string>, keepFirst = 0): string[] {
  const kept: string[] = [];
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith("-")) {
      kept.push(arg);
      if (valueFlags.has(arg) && i + 1 < args.length) kept.push(args[++i]);
    } else if (kept.filter((a) => !a.startsWith("-")).length < keepFirst && words.length === 0) {
      kept.push(arg);
    } else {
      words.push(arg);
    }
  }
  return words.length ? [...kept, words.join(" ")] : kept;
}

const REWRITES: Record<string, (args: string[]) => string[]> = {
  tasks: (args) => ["list", ...args.map((a) => (a === "--json" ? "--output=json" : a))],
  list: (args) => ["list", ...args.map((a) => (a === "--json" ? "--output=json" : a))],
  show: (args) => ["status", ...args],
  create: (args) => {
    const renamed = args.filter((a) => a !== "--no-wait").map((a) => (a === "-t" ? "--template" : a));
    const withTemplate = renamed.some((a) => a === "--template" || a.startsWith("--template=")) ? renamed : [...renamed, "--template", "echo"];
    return ["create", ...joinWords(withTemplate, new Set(["--template", "--preset", "--name"]))];
  },
  logs: (args) => ["logs", ...args],
  send: (args) => ["send", ...joinWords(args, new Set(), 1)],
  pause: (args) => ["pause", "--yes", ...args],
  resume: (args) => ["resume", "--yes", ...args],
  delete: (args) => ["delete", "--yes", ...args],
};

/** `argv` without node and the script; returns it rewritten to `task …` (and says so on stderr) if it uses an old command. */
export function rewriteLegacyCommand(argv: string[]): string[] {
  const [name, ...rest] = argv;
  if (!(name in REWRITES)) return argv;
  // `tasks` is also the new `task` group's alias: `taskyard tasks list` is not a legacy use.
  if (name === "tasks" && (TASK_SUBCOMMANDS.has(rest[0]) || rest.includes("--help") || rest.includes("-h"))) return argv;
  const [sub, ...args] = REWRITES[name](rest);
  process.stderr.write(`taskyard: \`taskyard ${name}\` is deprecated and will be removed in the next release; use \`taskyard task ${sub}\`.\n`);
  return ["task", sub, ...args];
}
