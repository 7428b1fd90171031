import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { AgentMessage } from "../../lib/agents/agentapi-client";
import { serveAgentApi } from "../../lib/agent/agentapi-server";
import { echoResponder } from "../../lib/agent/brains/echo";
import { LocalBrain } from "../../lib/agent/brains/local";
import { Conversation } from "../../lib/agent/conversation";
import { localWorkspace } from "./workspace";

export type EchoAgent = Awaited<ReturnType<typeof startEchoAgent>>;

/**
 * A task's agent as the product runs it: the real AgentAPI server (`serveAgentApi`) over a real
 * `LocalBrain` with the echo responder and a `Conversation` persisted in a temp directory.
 * `seed` is appended to the conversation through its own API before the server starts.
 */
export async function startEchoAgent(seed: Pick<AgentMessage, "role" | "content">[] = []) {
  const secret = randomBytes(32).toString("hex");
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-echo-agent-"));
  const conversation = await Conversation.load(dir);
  const workspace = await localWorkspace(dir);
  for (const m of seed) await conversation.append(m.role, m.content);
  const brain = new LocalBrain(
    "custom",
    conversation,
    echoResponder({
      workspace,
      stateDir: dir,
      codeDir: dir,
      parameters: {},
      command: [],
      onCrash: async (reason) => {
        throw new Error(`echo agent asked to crash in a test: ${reason}`);
      },
    }),
  );
  await brain.start();
  const api = await serveAgentApi(brain, { secret, workspace });

  /** Resolves once the brain is `stable` again (its reply written), or fails after `timeoutMs`. */
  const untilStable = async (timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (brain.status() !== "stable") {
      if (Date.now() > deadline) throw new Error(`echo agent still ${brain.status()} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  return {
    url: api.url,
    /** What its port demands; fixtures store it as the agent's `api_secret`. */
    secret,
    dir,
    brain,
    conversation,
    untilStable,
    /** `{role, content}` of every message so far, for assertions that do not care about ids and times. */
    said: () => brain.messages().map(({ role, content }) => ({ role, content })),
    close: async () => {
      // A reply still being thought would be written into a removed directory: let it land first.
      await untilStable();
      await api.close();
      await brain.stop();
      workspace.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A loopback address nothing listens on. */
export async function deadAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
