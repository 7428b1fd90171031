import { z } from "zod";
import { changesResponse } from "../agents/agentapi-client";
import { text } from "./common";
import { snapshotMessage } from "./agents";

/**
 * Bodies of the provisioner API (`POST /api/v2/provisionerd/{method}`): what a remote provisioner
 * sends for each step of the build logic it shares with the built-in one (lib/workspaces/provisioner-store.ts).
 */
const id = z.uuid();
const leaseMs = z.number().int().min(1000).max(300_000);
const tail = { output: z.string().max(256 * 1024), outputBytes: z.number().int().min(0), truncated: z.boolean() };
const checkout = z.object({ url: z.string().max(4096), base_ref: z.string().max(1024), base_commit: z.string().max(64), branch: z.string().max(1024) });

export const provisionerRegistration = z.object({
  host: text().min(1).max(253).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "must be a host name (letters, digits, '.', '_', '-')"),
  tags: z.record(z.string().max(64), z.string().max(256)).default({}),
  version: text().max(64).default(""),
});

/** What `register` answers: the registration's id (sent back on every call) and its effective tags. */
export const provisionerRegistered = z.object({ id: z.string(), tags: z.record(z.string(), z.string()) });
/** A step's answer is its store method's result as JSON (lib/workspaces/provisioner-store.ts), `null` for none. */
export const provisionerdAnswer = z.unknown();

export const provisionerdMethods = {
  claim: z.object({ kind: z.enum(["start", "other", "any"]), perUser: z.number().int().min(1), leaseMs, waitMs: z.number().int().min(0).max(60_000) }),
  renew: z.object({ buildId: id, leaseMs }),
  finish: z.object({ buildId: id, outcome: z.object({ error: z.string().max(64 * 1024).optional() }) }),
  currentAgent: z.object({ workspaceId: id }),
  agentOff: z.object({ agentId: id }),
  checkoutPlan: z.object({ workspaceId: id }),
  recordCheckout: z.object({ workspaceId: id, checkout }),
  templateVariables: z.object({ buildId: id }),
  startSetupLog: z.object({ buildId: id, timeoutSeconds: z.number().int().min(1).max(86_400) }),
  updateSetupLog: z.object({ buildId: id, tail: z.object(tail) }),
  finishSetupLog: z.object({ buildId: id, values: z.object({ ...tail, status: z.enum(["succeeded", "failed", "timed_out"]), exitCode: z.number().int().nullable() }) }),
  createAgent: z.object({ buildId: id }),
  agentStarted: z.object({ agentId: id, pid: z.number().int().min(1) }),
  lifecycles: z.object({ agentIds: z.array(id).max(1000) }),
  snapshotPlan: z.object({ workspaceId: id }),
  storeSnapshot: z.object({ workspaceId: id, messages: z.array(snapshotMessage).max(10_000).optional(), changes: changesResponse.optional() }),
  workspaceRemoved: z.object({ workspaceId: id }),
  markCrashed: z.object({ agentId: id, workspaceId: id, how: z.string().max(400) }),
  agentsOnHost: z.object({}),
  runningWorkspaces: z.object({}),
  restorePlan: z.object({ workspaceId: id }),
  restartWorkspace: z.object({ workspace: z.object({ build_id: id, workspace_id: id, template_version_id: id, agent_id: id, pid: z.number().int().nullable() }) }),
} as const;

export type ProvisionerdMethod = keyof typeof provisionerdMethods;
