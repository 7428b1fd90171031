import path from "node:path";
import { agentCoAuthor } from "../git";

/** Taskyard's code, read-only at the same path inside every sandbox (lib/sandbox/bubblewrap.ts); from the agent bundle (dist/agent) too. */
const PROJECT_ROOT = path.resolve(import.meta.dirname, "../..");
export const GIT_HOOKS_DIR = path.join(PROJECT_ROOT, "lib", "in-workspace", "git-hooks");

/**
 * What makes every commit a coding agent makes carry `Co-authored-by: <the agent>`: git config in
 * its environment (`GIT_CONFIG_COUNT`/`KEY_n`/`VALUE_n`) pointing `core.hooksPath` at our
 * read-only hooks, whose `prepare-commit-msg` adds the trailer and then runs the repository's own
 * hooks. Why this way:
 * - git has no setting that adds a trailer by itself: `trailer.*` applies only to
 *   `git interpret-trailers` and `commit --trailer`, and `commit.template` only when an editor
 *   opens, never with `-m`, which is how agents commit.
 * - A hook in `.git/hooks` or `core.hooksPath` in `.git/config` loses to the repository (husky
 *   sets its own `core.hooksPath`); config from the environment outranks every config file, and
 *   the script lives where the workspace cannot write.
 * - `prepare-commit-msg` runs even with `--no-verify`, unlike `commit-msg`.
 * The owner is the author through the checkout's user.name/email. This is attribution, not a
 * boundary: the model can still unset the variables; `commitAll` (push's commit) adds the trailer itself.
 */
export function commitAttributionEnv(agent: string): Record<string, string> {
  return {
    GIT_CONFIG_COUNT: "2",
    GIT_CONFIG_KEY_0: "core.hooksPath",
    GIT_CONFIG_VALUE_0: GIT_HOOKS_DIR,
    GIT_CONFIG_KEY_1: "taskyard.coauthor",
    GIT_CONFIG_VALUE_1: agentCoAuthor(agent),
  };
}
