import { declaredValues } from "../sandbox/environment";
import type { TemplateVariables } from "../templates/workspace-env";
import type { TemplateSandbox } from "../sandbox/settings";
import type { WorkspaceDriver } from "./driver";
import type { ProvisionerStore } from "./provisioner-store";
import { SetupLogTail } from "./setup-log-tail";

export const SETUP_TIMEOUT_DEFAULT_S = 600;
export const SETUP_TIMEOUT_MAX_S = 3600;
/**
 * bubblewrap failing to set up the new network namespace's loopback (seen now and then under
 * gVisor: "bwrap: loopback: Failed RTM_NEWADDR: No child processes"): the script never started.
 */
const SANDBOX_SETUP_FAILURE = /^bwrap: loopback: /;

/** How often the log's tail is written while the script runs: what the task page sees live. */
const FLUSH_MS = 300;
/** A failure's message (the task's state) carries this many of the script's last lines. */
const FAILURE_LINES = 10;

/** The template's time limit, within bounds whatever a stored config says. */
export function setupTimeoutSeconds(given: unknown): number {
  if (typeof given !== "number" || !Number.isFinite(given) || given <= 0) return SETUP_TIMEOUT_DEFAULT_S;
  return Math.min(SETUP_TIMEOUT_MAX_S, Math.ceil(given));
}

/** The provisioner is going away mid-script: the build is left to its lease, to be redone by whoever claims it next. */
export class SetupInterrupted extends Error {}

/**
 * A script that failed: `message` (the build's error, the task's state) carries its last lines,
 * `summary` alone goes to the server's log, which never holds what a script wrote.
 */
export class SetupScriptFailed extends Error {
  constructor(readonly summary: string, lastOutput: string) {
    super(`${summary}${lastOutput ? `; its last output:\n${lastOutput}` : " (it wrote nothing)"}`);
  }
}

/**
 * Runs a start build's setup script through the driver, before the agent exists: its output is kept
 * in `setup_logs` (the tail, written as it comes, the template's secret values replaced), and a
 * script that fails or runs past its limit fails the build with its last lines. `stopping` aborts
 * it (the provisioner shutting down): then the log says nothing more and `SetupInterrupted` is thrown.
 */
export async function runSetupScript(input: {
  /** Where the log goes (the setup_logs table, directly or through the provisioner API). */
  log: Pick<ProvisionerStore, "startSetupLog" | "updateSetupLog" | "finishSetupLog">;
  driver: WorkspaceDriver;
  build: { id: string; workspace_id: string; uid: number; env: string[]; sandbox: TemplateSandbox | null };
  /** The template version's own variables, and which of their values are secrets (kept out of the log). */
  variables: TemplateVariables;
  script: string;
  timeoutS: unknown;
  stopping: AbortSignal;
}): Promise<void> {
  const { log, build } = input;
  // Already going away (the checkout ran while it was asked to stop): not worth starting.
  if (input.stopping.aborted) throw new SetupInterrupted("The provisioner stopped before the setup script ran.");
  const timeoutSeconds = setupTimeoutSeconds(input.timeoutS);
  const secrets = [...declaredValues(build.env), ...input.variables.secretValues];
  let tail = new SetupLogTail(secrets);
  await log.startSetupLog(build.id, timeoutSeconds);

  // One write in flight at a time; a flush asked for meanwhile runs after it, with the newest tail.
  let dirty = false;
  let writing: Promise<void> = Promise.resolve();
  const flush = () => {
    if (!dirty) return writing;
    dirty = false;
    writing = writing.then(() => log.updateSetupLog(build.id, { output: tail.text(), outputBytes: tail.totalBytes, truncated: tail.truncated })).catch(() => {});
    return writing;
  };
  const ticker = setInterval(() => void flush(), FLUSH_MS);

  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, timeoutSeconds * 1000);
  const onStop = () => abort.abort();
  input.stopping.addEventListener("abort", onStop, { once: true });

  let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let failure: unknown;
  try {
    for (let attempt = 1; ; attempt++) {
      ended = await input.driver.runSetupScript({
        workspaceId: build.workspace_id,
        uid: build.uid,
        script: input.script,
        env: build.env,
        values: input.variables.values,
        sandbox: build.sandbox,
        signal: abort.signal,
        onOutput: (chunk) => {
          tail.write(chunk);
          dirty = true;
        },
      });
      // The sandbox itself did not come up (the script never ran): once more, with a fresh log.
      if (attempt > 1 || ended.code !== 1 || !SANDBOX_SETUP_FAILURE.test(tail.text())) break;
      tail = new SetupLogTail(secrets);
    }
  } catch (error) {
    failure = error;
  } finally {
    clearInterval(ticker);
    clearTimeout(timer);
    input.stopping.removeEventListener("abort", onStop);
  }
  await flush();
  if (input.stopping.aborted && !timedOut) throw new SetupInterrupted("The provisioner stopped while the setup script ran.");

  let problem: string | undefined;
  if (timedOut) problem = `The setup script did not finish within ${timeoutSeconds} s and was killed`;
  else if (failure) problem = `The setup script could not run: ${failure instanceof Error ? failure.message : String(failure)}`;
  else if (ended?.code !== 0) problem = `The setup script ${ended?.signal ? `was killed by ${ended.signal}` : `exited with code ${ended?.code}`}`;

  await log.finishSetupLog(build.id, {
    status: timedOut ? "timed_out" : problem ? "failed" : "succeeded",
    exitCode: ended?.code ?? null,
    output: tail.text(),
    outputBytes: tail.totalBytes,
    truncated: tail.truncated,
  });
  if (problem) throw new SetupScriptFailed(problem, tail.lastLines(FAILURE_LINES));
}
