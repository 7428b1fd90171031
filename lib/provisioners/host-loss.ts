import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { createAgentApiClient } from "../agents/agentapi-client";
import type { Db, DbOrTx } from "../db/client";
import { insertAppStatus, markAppUnhealthy, updateAgent } from "../db/queries/agents";
import { logger } from "../logger";
import { startSweep, type Sweep } from "../server/sweep";
import { APP_SLUG } from "../workspaces/database-store";

type Candidate = { agent_id: string; workspace_id: string; host: string; lifecycle_state: string; api_url: string | null; api_secret: string | null; api_certificate: string | null };

/**
 * Agents that should be running, on the hosts `where` picks: the current agent of a workspace whose
 * latest build is a succeeded start, not yet marked lost (its app's health is the mark: a lost or
 * crashed agent's is unhealthy).
 */
async function runningAgents(db: DbOrTx, where: SQL): Promise<Candidate[]> {
  const rows = await db.execute(sql`
    SELECT a.id AS agent_id, a.workspace_id, a.host, a.lifecycle_state, a.api_url, a.api_secret, a.api_certificate
    FROM workspace_agents a
    JOIN LATERAL (SELECT b.id, b.transition, b.job_status FROM workspace_builds b WHERE b.workspace_id = a.workspace_id ORDER BY b.build_number DESC LIMIT 1) lb ON lb.id = a.build_id
    JOIN workspace_apps ap ON ap.agent_id = a.id AND ap.slug = ${APP_SLUG} AND ap.health <> 'unhealthy'
    WHERE lb.transition = 'start' AND lb.job_status = 'succeeded' AND a.host IS NOT NULL
      AND a.id = (SELECT a2.id FROM workspace_agents a2 WHERE a2.build_id = a.build_id ORDER BY a2.created_at DESC LIMIT 1)
      AND ${where}`);
  return rows as unknown as Candidate[];
}

/**
 * …on a provisioner's host from which no provisioner has been heard within `staleMs`. Hosts no
 * provisioner ever registered (agents from before registrations) are not judged.
 */
const agentsOfSilentHosts = (db: Db, staleMs: number) =>
  runningAgents(
    db,
    sql`EXISTS (SELECT 1 FROM provisioners p WHERE p.host = a.host)
      AND NOT EXISTS (SELECT 1 FROM provisioners p WHERE p.host = a.host AND p.last_seen_at > now() - ${staleMs} * interval '1 millisecond')`,
  );

/**
 * A host is lost when no provisioner has been heard from there for `staleMs` and its agent does not
 * answer either (or has already stopped: a revoked key's daemon stops its agents). Its agents are
 * retired (off: their tokens stop working, should the host come back) and each task says `unknown`
 * with "host <name> lost" — from there a resume starts the workspace again on any matching host,
 * from the task's last work snapshot. Any number of servers may sweep at once: the update that marks
 * an agent happens once, and only its winner writes the state.
 */
export async function retireAgentsOfLostHosts(db: Db, staleMs: number): Promise<{ agentId: string; host: string }[]> {
  const retired: { agentId: string; host: string }[] = [];
  for (const candidate of await agentsOfSilentHosts(db, staleMs)) {
    const running = candidate.lifecycle_state !== "off" && candidate.api_url;
    const answers = running
      ? await createAgentApiClient({ url: candidate.api_url!, secret: candidate.api_secret, certificate: candidate.api_certificate })
          .status(2000)
          .then(() => true, () => false)
      : false;
    if (answers) continue;
    const won = await db.transaction((tx) => retireAgent(tx, candidate, `host ${candidate.host} lost`));
    if (won) retired.push({ agentId: candidate.agent_id, host: candidate.host });
  }
  return retired;
}

/**
 * Marks one agent lost, once: its app unhealthy (the mark), the agent off (its token stops working)
 * and `message` as its task's state. False if another sweep (or a crash report) marked it first.
 */
async function retireAgent(tx: DbOrTx, agent: { agent_id: string; workspace_id: string }, message: string): Promise<boolean> {
  if (!(await markAppUnhealthy(tx, agent.agent_id, APP_SLUG))) return false;
  await updateAgent(tx, agent.agent_id, { lifecycleState: "off" });
  await insertAppStatus(tx, { agentId: agent.agent_id, workspaceId: agent.workspace_id, slug: APP_SLUG, state: "failure", message });
  return true;
}

/**
 * A provisioner key is being revoked (inside its deleting transaction): the agents on its daemons'
 * hosts are retired at once — their tokens stop working now, not when the daemon next calls — and
 * their tasks say "host <name> lost (its provisioner key was revoked)", resumable elsewhere.
 */
export async function retireAgentsOfKey(tx: DbOrTx, keyId: string): Promise<void> {
  const agents = await runningAgents(tx, sql`EXISTS (SELECT 1 FROM provisioners p WHERE p.host = a.host AND p.key_id = ${keyId})`);
  for (const agent of agents) await retireAgent(tx, agent, `host ${agent.host} lost (its provisioner key was revoked)`);
}

/** The sweep in the server process: every `everyMs`, hosts silent past `staleMs` are looked at. */
export function startHostLossSweep(db: Db, staleMs: number, everyMs = 2000): Sweep {
  const log = logger.child({ component: "host-loss" });
  return startSweep("the lost-host sweep", everyMs, async () => {
    for (const r of await retireAgentsOfLostHosts(db, staleMs)) log.warn({ agent: r.agentId, host: r.host }, "host lost: its task can be resumed on another host");
  });
}
