import { spawn, type ChildProcess } from "node:child_process";
import fsSync from "node:fs";
import fs from "node:fs/promises";
import type net from "node:net";
import os from "node:os";
import path from "node:path";
import { bubblewrapArgs, sandboxArgs, SANDBOX_STATE, SANDBOX_UID, SANDBOX_WORKSPACE, type SandboxKind } from "../../sandbox/bubblewrap";
import { existingCgroup, workspaceCgroup, type WorkspaceCgroup } from "../../sandbox/cgroup";
import { agentEnvironment, loopbackEndpoints, setupScriptEnvironment, usesModelGateway } from "../../sandbox/environment";
import { attachNetwork, networkFds, networkProfile, spawnWithNetwork } from "../../sandbox/network";
import { sandboxSettings } from "../../sandbox/settings";
import { env } from "../../env";
import { cloneRepository, git, initRepository } from "../../git";
import { writeAgentState } from "../../work-snapshots/agent-state";
import { applyWorkSnapshotToRepository } from "../../work-snapshots/repository";
import { program, SYSTEM_PATH } from "../../system-programs";
import { logger } from "../../logger";
import { localRepositoryPath, localRepositoryProblem } from "../../repo-url";
import { ensureAgentBundle } from "../agent-bundle";
import { privateDir, sandboxResolvConf, workspaceLayout } from "../layout";
import type { WorkspaceDriver } from "../driver";
import { processInfo } from "../../process-info";

/** The outer process ignores SIGTERM, so a stop reaches the agent (pid 1 inside) and the process lives until it has shut down. */
const IGNORE_TERM = 'trap "" TERM INT HUP; exec "$@"';
/** Joins the workspace's control groups before anything of it runs (a fork cannot slip out). */
const JOIN_CGROUPS_ONLY = `n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 126; shift; n=$((n - 1)); done;`;
/** As JOIN_CGROUPS_ONLY, then ignores SIGTERM like IGNORE_TERM. */
const JOIN_CGROUPS = `${JOIN_CGROUPS_ONLY} ${IGNORE_TERM}`;
/** A setup script's shell: in the repository when there is one. The script is an argument, never a file root writes into the workspace. */
const SETUP_SHELL = '[ -d repo ] && cd repo; exec sh -c "$1"';

/**
 * Where the workspace reaches the model gateway: the server itself over plain HTTP; over https, the
 * same port on the workspace's loopback, which its agent relays to the server adding the TLS
 * (lib/agent/workspace-channel.ts `gatewayRelay`).
 */
function gatewayInWorkspace(serverUrl: string): string {
  const url = new URL(serverUrl);
  return url.protocol === "https:" ? `http://127.0.0.1:${url.port || 443}` : serverUrl;
}

/** How an agent meets a server on another host (docs/deployment.md "Traffic between hosts"), as its environment says it. */
function trafficBetweenHosts(advertise: string | undefined, serverCa: string | undefined): Record<string, string> {
  return { ...(advertise ? { TASKYARD_AGENT_LISTEN: advertise } : {}), ...(serverCa ? { TASKYARD_AGENT_SERVER_CA: serverCa } : {}) };
}

/** The last line an agent wrote to its log before it ended: "exited with code 1" alone helps nobody. */
async function lastWords(logFile: string, since: number): Promise<string> {
  const handle = await fs.open(logFile, fsSync.constants.O_RDONLY | fsSync.constants.O_NOFOLLOW).catch(() => null);
  if (!handle) return "";
  try {
    const { size } = await handle.stat();
    // Only this lifetime's lines: the log is appended to across restarts.
    const length = Math.min(size - since, 2048);
    if (length <= 0) return "";
    const { buffer } = await handle.read(Buffer.alloc(length), 0, length, size - length);
    const line = buffer.toString("utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("at ")).at(-1) ?? "";
    return line.length > 200 ? `${line.slice(0, 199)}…` : line;
  } finally {
    await handle.close();
  }
}

/**
 * Workspaces as directories under the data dir. Each start runs two sandboxes (bubblewrap, where
 * the host has it):
 * - the workspace's: its directory at /workspace, its own uid, network namespace (outbound
 *   through slirp4netns, never the host's loopback) and control group, running the workspace
 *   runtime and whatever the model runs;
 * - the agent's: `taskyard agent` as the next uid, with the host's network (it reaches the
 *   server) and only its own state dir, holding the agent token; it drives the runtime over a
 *   socket pair.
 * Both are detached (they outlive a provisioner crash; the provisioner finds the agent again by
 * pid and agent id). Agents' logs live in the data dir, root's alone: root never opens a path in
 * a workspace.
 */
export function createLocalDriver(options: {
  dataDir: string;
  serverUrl: string;
  sandbox: SandboxKind;
  graceMs?: number;
  /**
   * This host's address as the server reaches it (a provisioner's `--advertise`): agents serve
   * AgentAPI there over TLS with a certificate the server pins. Without it: loopback, plain HTTP.
   */
  advertise?: string;
  /** The CA (PEM text) agents check the server's https certificate against; the system's CAs without it. */
  serverCa?: string;
  /** The name agents are recorded under (a remote provisioner's `--name`); the machine's host name by default. */
  host?: string;
}): WorkspaceDriver {
  const host = options.host ?? os.hostname();
  const graceMs = options.graceMs ?? 5000;
  const exits = new Map<string, Promise<string>>();
  const { workspaceDir, stateDir, logFile } = workspaceLayout(options.dataDir);
  const sandboxed = options.sandbox === "bubblewrap";
  const asRoot = process.getuid?.() === 0;
  const separateUids = sandboxed && asRoot;
  const log = logger.child({ component: "local-driver" });
  let warnedCgroups = false;

  /** A pid is ours only while it still runs that agent (pids get reused; lib/process-info.ts). */
  function isAlive({ agentId, pid }: { agentId: string; pid: number | null }): boolean {
    return !!pid && (processInfo(pid)?.commandLine.includes(agentId) ?? false);
  }

  async function waitGone(agent: { agentId: string; pid: number | null }, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (isAlive(agent)) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 25));
    }
    return true;
  }

  /** The agent leads its own process group (it is spawned detached): signal all of it. */
  function signalGroup(pid: number, signal: NodeJS.Signals) {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  }

  /**
   * The workspace must belong to its uid. Handing over a tree an agent has written is done by
   * root inside a sandbox where only that tree is writable, with CAP_CHOWN (and CAP_DAC_READ_SEARCH
   * to walk a tree that is not root's) only, not following links: a link planted in it cannot
   * reach anything outside.
   */
  async function handOver(dir: string, uid: number) {
    if (!separateUids) return;
    const { uid: owner } = await fs.stat(dir);
    if (owner === uid) return;
    await run(program("bwrap"), bubblewrapArgs(dir, [program("chown"), "-R", "-h", "-P", `${uid}:${uid}`, SANDBOX_WORKSPACE], { rootWith: ["CAP_CHOWN", "CAP_DAC_READ_SEARCH"] }));
  }

  /** The workspace's directory, its uid's: made (and simply given) if new, else handed over if it is someone else's. */
  async function workspaceFor(dir: string, uid: number): Promise<{ created: boolean }> {
    await privateDir(path.dirname(dir));
    try {
      await fs.mkdir(dir, { mode: 0o700 });
      if (separateUids) await fs.chown(dir, uid, uid); // empty, in root's own directory: nothing to follow
      return { created: true };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      await handOver(dir, uid);
      return { created: false };
    }
  }

  /** An agent's own state (conversation, session id): root-made, then the agent uid's alone. */
  async function prepareStateDir(workspaceId: string, agentUid: number): Promise<{ dir: string; created: boolean }> {
    await privateDir(path.join(options.dataDir, "agents"));
    const dir = stateDir(workspaceId);
    // mkdir's answer is the first path it made, if it made one.
    const created = (await fs.mkdir(dir, { recursive: true, mode: 0o700 })) !== undefined;
    // The parent is root's: the agent cannot swap this directory for a link; its contents root never touches.
    if (separateUids) await fs.chown(dir, agentUid, agentUid);
    return { dir, created };
  }

  /** Appended to by both sandboxes through inherited descriptors; opened by root only here, in root's own directory. */
  async function openLog(workspaceId: string): Promise<{ fd: number; start: number }> {
    await privateDir(path.join(options.dataDir, "logs"));
    const { O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW } = fsSync.constants;
    const fd = fsSync.openSync(logFile(workspaceId), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0o600);
    return { fd, start: fsSync.fstatSync(fd).size };
  }

  const resolvConf = () => sandboxResolvConf(options.dataDir);

  function cgroupOf(workspaceId: string, limits: Parameters<typeof workspaceCgroup>[1]): WorkspaceCgroup | undefined {
    const group = workspaceCgroup(workspaceId, limits);
    if ("procsFiles" in group) return group;
    if (!warnedCgroups) log.warn(`workspaces run without pid, memory and CPU limits: ${group.reason}`);
    warnedCgroups = true;
    return undefined;
  }

  /** Ends whatever is left of a workspace's processes (a runtime that outlived its agent), and its control group with them. */
  async function killWorkspace(workspaceId: string) {
    if (!separateUids) return;
    const group = existingCgroup(workspaceId);
    await group?.killAll();
    group?.remove();
  }

  /** Starts the workspace runtime in the workspace's sandbox and gives it its network; returns the sockets the agent drives it by. */
  async function startRuntime(input: { workspaceId: string; uid: number; bundle: string; forwards: string[]; settings: ReturnType<typeof sandboxSettings>; logFd: number }) {
    const dir = workspaceDir(input.workspaceId);
    const runtime = [process.execPath, input.bundle, "workspace-runtime", "--dir", SANDBOX_WORKSPACE, "--control-fd", "3", "--dial-fd", "4", "--own-pid-namespace", ...input.forwards.flatMap((f) => ["--forward", f])];
    // 3, 4: the agent's two sockets; then the network's pipes.
    const fds = networkFds(5);
    const args = sandboxArgs(
      {
        writable: [{ source: dir, target: SANDBOX_WORKSPACE }],
        chdir: SANDBOX_WORKSPACE,
        uid: input.uid,
        ...networkProfile(fds),
        reaper: true,
        tmpBytes: input.settings.tmpBytes,
        files: input.settings.network === "outbound" ? [{ source: await resolvConf(), target: "/etc/resolv.conf" }] : [],
      },
      runtime,
    );
    const group = cgroupOf(input.workspaceId, input.settings.limits);
    await group?.killAll(); // a runtime a crashed agent left behind
    const procs = group?.procsFiles ?? [];
    const child = spawn(program("sh"), ["-c", JOIN_CGROUPS, "taskyard-workspace", String(procs.length), ...procs, program("bwrap"), ...args], {
      detached: true,
      stdio: ["ignore", input.logFd, input.logFd, "pipe", "pipe", "pipe", "pipe", "pipe"],
      env: { PATH: SYSTEM_PATH, LANG: "C.UTF-8", HOME: SANDBOX_WORKSPACE } as unknown as NodeJS.ProcessEnv,
    });
    child.unref();
    const [control, dial] = [3, 4].map((fd) => child.stdio[fd] as net.Socket);
    // Handed to the agent, then closed here; a runtime that dies meanwhile must not end this process.
    for (const socket of [control, dial]) socket.on("error", () => {});
    // The agent starts meanwhile: its calls wait on the socket until the runtime, let go once the network is up, answers.
    const networked = attachNetwork(child, fds, { outbound: input.settings.network === "outbound" }).then((noNetwork) => {
      if (noNetwork) log.warn({ err: noNetwork }, "the workspace has no outbound network");
    });
    return { child, control, dial, networked };
  }

  /**
   * A setup script, in a sandbox like the runtime's (bwrap's init reaping, so when the script ends
   * whatever it left running ends with it), tied to this process: a provisioner that dies takes it
   * along, and the build is redone by whoever claims it next.
   */
  function spawnSetupScript(input: { workspaceId: string; uid: number; script: string; env: string[]; values: Record<string, string>; settings: ReturnType<typeof sandboxSettings>; resolv: string; say: (line: string) => void }): { child: ChildProcess; group?: WorkspaceCgroup } {
    const dir = workspaceDir(input.workspaceId);
    const shell = [program("sh"), "-c", SETUP_SHELL, "taskyard-setup", input.script];
    if (!sandboxed) {
      const env = { ...setupScriptEnvironment({ home: dir, declared: input.env }), ...input.values };
      return { child: spawn(shell[0], shell.slice(1), { cwd: dir, detached: true, stdio: ["ignore", "pipe", "pipe"], env }) };
    }
    const outbound = input.settings.network === "outbound";
    const fds = networkFds(3);
    const args = sandboxArgs(
      {
        writable: [{ source: dir, target: SANDBOX_WORKSPACE }],
        chdir: SANDBOX_WORKSPACE,
        uid: separateUids ? input.uid : SANDBOX_UID,
        ...networkProfile(fds),
        reaper: true,
        dieWithParent: true,
        tmpBytes: input.settings.tmpBytes,
        files: outbound ? [{ source: input.resolv, target: "/etc/resolv.conf" }] : [],
      },
      shell,
    );
    const group = cgroupOf(input.workspaceId, input.settings.limits);
    const procs = group?.procsFiles ?? [];
    const child = spawn(program("sh"), ["-c", `${JOIN_CGROUPS_ONLY} exec "$@"`, "taskyard-setup", String(procs.length), ...procs, program("bwrap"), ...args], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe", "pipe", "pipe", "pipe"],
      env: { ...setupScriptEnvironment({ home: SANDBOX_WORKSPACE, declared: input.env }), ...input.values },
    });
    void attachNetwork(child, fds, { outbound }).then(
      (noNetwork) => noNetwork && input.say(`taskyard: the setup script runs without an outbound network: ${noNetwork}`),
      () => signalGroup(child.pid!, "SIGKILL"),
    );
    return { child, group };
  }

  async function run(command: string, args: string[]): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
      child.once("error", reject);
      child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`${command} failed: ${stderr.trim() || `exit ${code}`}`))));
    });
  }

  const driver: WorkspaceDriver = {
    host,

    async start({ workspaceId, agentId, agentToken, env, values, uid, sandbox, advertise = options.advertise }) {
      const settings = sandboxSettings(sandbox);
      const dir = workspaceDir(workspaceId);
      const workspace = await workspaceFor(dir, uid);
      const { dir: state, created: newState } = await prepareStateDir(workspaceId, uid + 1);
      // A workspace of an earlier version, where the agent kept its state in it: the agent reads that state over once.
      const adopt = !workspace.created && newState ? ["--adopt-workspace-state"] : [];
      const bundle = await ensureAgentBundle();
      const { fd: logFd, start: logStart } = await openLog(workspaceId);
      const agentEnv = agentEnvironment({ home: sandboxed ? SANDBOX_STATE : state, declared: env });
      // The model gateway (on the server) is reachable from the workspace through the agent when the
      // server is on the host's loopback, as is any other declared endpoint there; nothing else there is.
      const gateway = usesModelGateway(env);
      const forwards = loopbackEndpoints({ ...agentEnv, ...(gateway ? { MODEL_GATEWAY: gatewayInWorkspace(options.serverUrl) } : {}) });
      // After the forwards: a template's own values never open a way to the host's loopback.
      Object.assign(agentEnv, values ?? {});
      // After the template's values, which never set Taskyard's own: where the agent listens, whom it trusts.
      Object.assign(agentEnv, trafficBetweenHosts(advertise, options.serverCa));
      const agentArgs = (where: { dir: string; state: string }) => [
        process.execPath, bundle, "agent", "--agent-id", agentId, "--dir", where.dir, "--state-dir", where.state, "--url", options.serverUrl, "--token-fd", "3",
        "--disk-limit-mb", String(Math.floor(settings.diskBytes / (1024 * 1024))), ...adopt, ...(gateway ? ["--model-gateway"] : []),
      ];
      let child: ChildProcess;
      try {
        if (!sandboxed) {
          // No sandbox on this host: the agent starts its runtime itself, as this user, in the workspace.
          child = spawn(agentArgs({ dir, state })[0], agentArgs({ dir, state }).slice(1), { cwd: state, detached: true, stdio: ["ignore", logFd, logFd, "pipe"], env: agentEnv });
        } else {
          const runtime = await startRuntime({ workspaceId, uid, bundle, forwards, settings, logFd });
          const command = [...agentArgs({ dir: SANDBOX_WORKSPACE, state: SANDBOX_STATE }), "--control-fd", "4", "--dial-fd", "5", ...forwards.flatMap((f) => ["--forward", f])];
          const args = sandboxArgs({ writable: [{ source: state, target: SANDBOX_STATE }], chdir: SANDBOX_STATE, uid: uid + 1 }, command);
          child = spawn(program("sh"), ["-c", IGNORE_TERM, "taskyard-agent", program("bwrap"), ...args], {
            cwd: state,
            detached: true,
            // The token goes down a pipe, never into the environment: a child's /proc/<pid>/environ would show it.
            stdio: ["ignore", logFd, logFd, "pipe", runtime.control, runtime.dial],
            env: agentEnv,
          });
          // Only the two sandboxes hold the socket pair now: when either ends, the other hears it.
          runtime.control.destroy();
          runtime.dial.destroy();
          await runtime.networked;
        }
      } finally {
        fsSync.closeSync(logFd);
      }
      const tokenPipe = child.stdio[3] as NodeJS.WritableStream | null;
      tokenPipe?.on("error", () => {}); // an agent that died at once; its exit is reported below
      tokenPipe?.end(agentToken);
      exits.set(
        agentId,
        new Promise((resolve) =>
          child.once("exit", (code, signal) => {
            const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
            void lastWords(logFile(workspaceId), logStart).then((said) => resolve(said ? `${how} (${said})` : how));
          }),
        ),
      );
      child.unref();
      if (!child.pid) throw new Error("could not spawn the agent process");
      return { pid: child.pid, host };
    },

    async stop(agent) {
      if (agent.pid && isAlive(agent)) {
        signalGroup(agent.pid, "SIGTERM");
        if (!(await waitGone(agent, graceMs))) {
          signalGroup(agent.pid, "SIGKILL");
          await waitGone(agent, 2000);
        }
      }
      // The runtime ends when its agent's socket closes; anything that lingers goes with the group.
      await killWorkspace(agent.workspaceId);
    },

    async checkout({ workspaceId, uid, ...repository }) {
      const dir = workspaceDir(workspaceId);
      await workspaceFor(dir, uid);
      // A clone cut short by a crash leaves a half repository: start over.
      await fs.rm(path.join(dir, "repo"), { recursive: true, force: true });
      const { TASKYARD_LOCAL_REPO_ROOTS: roots, TASKYARD_GIT_STALL_SECONDS: stallSeconds } = env();
      // Judged again here: the roots may have changed since the task was created.
      const local = localRepositoryPath(repository.url);
      const problem = local && localRepositoryProblem(local, roots);
      if (problem) throw new Error(`Cloning ${repository.url} refused: it ${problem}.`);
      // Without a sandbox git runs as the server's user, who can read whatever an agent could.
      if (!sandboxed) return cloneRepository({ dir, cwd: dir, stallSeconds, ...repository });
      // In the workspace's sandbox, as its user. For a local repository the allowed ROOTS are bound
      // in read-only at their own paths, never the given path: whatever the path or a symlink in it
      // resolves to, git (as the workspace's uid) can reach only inside the roots, with that uid's
      // rights, and nothing on the host resolves the path between the check above and the clone.
      // A network of its own too: a repository URL may name the host's loopback, which a clone must not reach.
      //
      // A private repository's credential goes in too, but only as git's credential-helper answer
      // on an inherited pipe (fd 3, lib/git.ts `credentialConfig`; the network's pipes come after
      // it): this sandbox runs git alone, before any code of the task's exists, and neither argv,
      // environment, files nor `.git/config` carry the token, so nothing the agent later finds in
      // the workspace (or in /proc) holds it.
      const firstNetworkFd = repository.credential ? 4 : 3;
      const network = { ...networkProfile(networkFds(firstNetworkFd)), files: [{ source: await resolvConf(), target: "/etc/resolv.conf" }] };
      const wrap = (argv: string[]) => [program("bwrap"), ...bubblewrapArgs(dir, argv, { readOnly: local ? roots : [], dieWithParent: true, uid: separateUids ? uid : SANDBOX_UID, ...network })];
      return cloneRepository({ dir: SANDBOX_WORKSPACE, cwd: dir, wrap, spawn: spawnWithNetwork(!local, firstNetworkFd), stallSeconds, ...repository });
    },

    async initRepository({ workspaceId, uid, ...repository }) {
      const dir = workspaceDir(workspaceId);
      await workspaceFor(dir, uid);
      // A start cut short by a crash may have left half of one: start over.
      await fs.rm(path.join(dir, "repo"), { recursive: true, force: true });
      if (!sandboxed) return initRepository({ dir, cwd: dir, ...repository });
      // As for a clone: in the workspace's sandbox, as its user (root never works in a tree the workspace can write), and with no network at all.
      const wrap = (argv: string[]) => [program("bwrap"), ...bubblewrapArgs(dir, argv, { dieWithParent: true, uid: separateUids ? uid : SANDBOX_UID, ownNetwork: true })];
      return initRepository({ dir: SANDBOX_WORKSPACE, cwd: dir, wrap, ...repository });
    },

    async runSetupScript({ workspaceId, uid, script, env, values, sandbox, onOutput, signal }) {
      const settings = sandboxSettings(sandbox);
      await workspaceFor(workspaceDir(workspaceId), uid);
      const resolv = sandboxed ? await resolvConf() : "";
      // Whatever an earlier lifetime left in the workspace's group goes before the script joins it.
      if (separateUids) await existingCgroup(workspaceId)?.killAll();
      const { child, group } = spawnSetupScript({ workspaceId, uid, script, env, values, settings, resolv, say: (line) => onOutput(Buffer.from(`${line}\n`)) });
      const killAll = () => {
        if (child.pid) signalGroup(child.pid, "SIGKILL");
        void group?.killAll();
      };
      child.stdout!.on("data", onOutput);
      child.stderr!.on("data", onOutput);
      signal.addEventListener("abort", killAll, { once: true });
      try {
        const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
          child.once("error", reject);
          child.once("exit", (code, how) => resolve({ code, signal: how }));
        });
        // Its last output may still be in the pipes; a process it left behind (no sandbox) may hold them open.
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, 1000);
          child.once("close", () => resolve(clearTimeout(timer)));
        });
        return ended;
      } finally {
        signal.removeEventListener("abort", killAll);
        killAll();
        child.stdout!.destroy();
        child.stderr!.destroy();
      }
    },

    async remove({ workspaceId }) {
      await killWorkspace(workspaceId);
      await fs.rm(workspaceDir(workspaceId), { recursive: true, force: true });
      await fs.rm(stateDir(workspaceId), { recursive: true, force: true });
      await fs.rm(logFile(workspaceId), { force: true });
    },

    isAlive,
    exited: (agentId) => exits.get(agentId),

    async hasWorkspace({ workspaceId }) {
      return fs.stat(workspaceDir(workspaceId)).then((st) => st.isDirectory(), () => false);
    },

    async restore({ workspaceId, uid, repository, snapshot }) {
      const dir = workspaceDir(workspaceId);
      const notes: string[] = [];
      // The snapshot's files, root's, in a directory of root's: bound read-only into the sandbox that applies them.
      await privateDir(path.join(options.dataDir, "restore"));
      const staging = path.join(options.dataDir, "restore", workspaceId);
      await fs.rm(staging, { recursive: true, force: true });
      await fs.mkdir(staging, { mode: 0o700 });
      try {
        const staged: Record<"bundle" | "diff" | "files", string | null> = { bundle: null, diff: null, files: null };
        for (const [name, bytes] of [["bundle", snapshot.bundle], ["diff", snapshot.diff], ["files", snapshot.brainFiles]] as const) {
          if (!bytes) continue;
          await fs.writeFile(path.join(staging, name), bytes, { mode: 0o644 });
          staged[name] = path.join(staging, name);
        }
        // Inside the sandbox each staged file is at /tmp/taskyard-restore-<name> (in its own /tmp: a directory bwrap made for it would be root's alone).
        const inside = (name: keyof typeof staged) => (staged[name] ? (sandboxed ? `/tmp/taskyard-restore-${name}` : staged[name]) : null);
        const binds = Object.entries(staged).flatMap(([name, source]) => (source ? [{ source, target: `/tmp/taskyard-restore-${name}` }] : []));
        const wrap = (argv: string[]) => [program("bwrap"), ...bubblewrapArgs(dir, argv, { dieWithParent: true, uid: separateUids ? uid : SANDBOX_UID, ownNetwork: true, files: binds })];
        const where = sandboxed ? { cwd: dir, wrap } : { cwd: dir };
        const repoDir = sandboxed ? `${SANDBOX_WORKSPACE}/repo` : path.join(dir, "repo");
        if (repository) {
          if (repository.url) {
            await driver.checkout({ workspaceId, uid, url: repository.url, credential: repository.credential, baseRef: repository.baseCommit, branch: repository.branch, identity: repository.identity });
          } else {
            await workspaceFor(dir, uid);
            await fs.rm(path.join(dir, "repo"), { recursive: true, force: true });
            await git(["init", "--quiet", `--initial-branch=${repository.branch}`, repoDir], where);
            await git(["-C", repoDir, "config", "user.name", repository.identity.name], where);
            await git(["-C", repoDir, "config", "user.email", repository.identity.email], where);
          }
          notes.push(...(await applyWorkSnapshotToRepository({ repo: repoDir, where, branch: repository.branch, bundle: inside("bundle"), diff: inside("diff"), fresh: !repository.url })));
        } else {
          await workspaceFor(dir, uid);
        }
        const files = inside("files");
        if (files) {
          const untar = [program("tar"), "-xzf", files, "-C", sandboxed ? SANDBOX_WORKSPACE : dir, "--no-same-owner"];
          const [command, ...args] = sandboxed ? wrap(untar) : untar;
          await run(command, args).catch((error: Error) =>
            notes.push(`the coding agent's session files did not restore: ${error.message}`),
          );
        }
      } finally {
        await fs.rm(staging, { recursive: true, force: true });
      }
      // The agent's state: a fresh directory of root's, filled, then each file given to the agent's uid.
      const state = stateDir(workspaceId);
      await privateDir(path.join(options.dataDir, "agents"));
      await fs.rm(state, { recursive: true, force: true });
      await fs.mkdir(state, { mode: 0o700 });
      await writeAgentState(state, snapshot.agentState, separateUids ? uid + 1 : undefined);
      if (separateUids) await fs.chown(state, uid + 1, uid + 1);
      return { notes };
    },
  };
  return driver;
}
