import exitHook from "async-exit-hook";
import fs from "node:fs";
import { InvalidArgumentError, type Command } from "commander";
import { env } from "../../lib/env";
import { logger } from "../../lib/logger";
import { startRemoteProvisioner } from "../../lib/provisioners/remote-provisioner";
import { resolveSystemPrograms } from "../../lib/system-programs";
import { localServerUrl, startProvisioner } from "../../lib/workspaces/start-provisioner";

type Options = { url?: string; key?: string; tag: Record<string, string>; name?: string; advertise?: string; ca?: string; keepAgents?: boolean };

/** `--tag k=v`, repeatable, into one object. */
function tag(value: string, tags: Record<string, string>): Record<string, string> {
  const match = /^([a-z0-9_.-]+)=(.*)$/i.exec(value);
  if (!match) throw new InvalidArgumentError(`"${value}" is not key=value`);
  return { ...tags, [match[1]]: match[2] };
}

export function registerProvisioner(program: Command) {
  program
    .command("provisioner")
    .description("run a provisioner daemon: builds workspaces and runs their agents on this host")
    .option("--url <url>", "the Taskyard server (agents reach it at this URL too; default: TASKYARD_ACCESS_URL or http://127.0.0.1:$PORT)")
    .option("--key <key>", "a provisioner key (`taskyard provisioners keys create`): talk to the server over its API, no database needed (or TASKYARD_PROVISIONER_KEY)")
    .option("--tag <key=value>", "a tag templates can require (repeatable), e.g. --tag region=eu --tag gpu=true", tag, {})
    .option("--name <host>", "the name this host shows under in Settings → Provisioners (default: the host name)")
    .option("--advertise <address>", "this host's address the server reaches its agents at (over TLS)")
    .option("--ca <file>", "the CA (PEM) the server's certificate is checked against, instead of the system's (or TASKYARD_CA_FILE)")
    .option("--keep-agents", "leave running agents alone on shutdown")
    .addHelpText(
      "after",
      `
Two ways to run it:
  on another host, with a key (recommended):
    taskyard provisioner --url https://taskyard.example.com --key typk_… --tag region=eu --advertise 10.0.0.7
  next to the server, on its database:   DATABASE_URL=… taskyard provisioner
TASKYARD_DATA_DIR holds this host's workspaces (./.taskyard by default).`,
    )
    .action(async (opts: Options) => {
      resolveSystemPrograms(); // git, bwrap, setpriv, sh: from the system's directories, once
      const key = opts.key ?? env().TASKYARD_PROVISIONER_KEY;
      const caFile = opts.ca ?? env().TASKYARD_CA_FILE;
      const url = (opts.url ?? localServerUrl()).replace(/\/+$/, "");
      let stop: (o?: { stopAgents?: boolean }) => Promise<void>;
      if (key) {
        const running = await startRemoteProvisioner({
          url,
          key,
          tags: opts.tag,
          name: opts.name,
          advertise: opts.advertise,
          ca: caFile ? fs.readFileSync(caFile, "utf8") : undefined,
          onRefused: () => process.exit(3),
        });
        const tags = Object.entries(running.tags).map(([k, v]) => `${k}=${v}`).join(", ") || "none";
        console.log(`provisioner ${running.host} (tags: ${tags}) is waiting for builds from ${url} (Ctrl+C to stop)`);
        stop = running.stop;
      } else {
        const databaseUrl = env().DATABASE_URL;
        if (!databaseUrl) throw new Error("give a provisioner key (--key or TASKYARD_PROVISIONER_KEY), or set DATABASE_URL to the server's database");
        const running = await startProvisioner(databaseUrl, url);
        console.log(`provisioner ${running.provisioner.id} is waiting for builds (Ctrl+C to stop)`);
        stop = running.stop;
      }
      exitHook((done) => {
        stop({ stopAgents: !opts.keepAgents }).catch((err) => logger.error({ err }, "shutdown failed")).finally(done);
      });
    });
}
