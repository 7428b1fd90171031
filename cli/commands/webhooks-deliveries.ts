import { Command, Option } from "commander";
import { withExamples } from "../help";
import { ago, printJson, renderTable } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";
import { resolveWebhook } from "../webhook-ref";

export function webhooksDeliveriesCommand(): Command {
  const command = new Command("deliveries")
    .description("A webhook's delivery log, newest first (the last 100): status, attempts, the receiver's answer, latency, the last error, the next try")
    .argument("<webhook>", "its id (or the start of it) or its URL")
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (ref: string, opts: { output: "table" | "json" }) => {
      const client = await loggedInClient();
      const webhook = await resolveWebhook(client, ref);
      const deliveries = await doing("read the delivery log", client.webhookDeliveries(webhook.id));
      if (opts.output === "json") return printJson(deliveries);
      if (deliveries.length === 0) return console.error("No deliveries yet.");
      const rows = deliveries.map((d) => [
        d.id,
        d.event,
        d.status + (d.status === "pending" && d.next_attempt_at ? ` (next ${new Date(d.next_attempt_at).toLocaleTimeString()})` : ""),
        String(d.attempts),
        d.response_status === null ? "-" : String(d.response_status),
        d.latency_ms === null ? "-" : `${d.latency_ms} ms`,
        ago(d.created_at),
        d.last_error ?? "",
      ]);
      console.log(renderTable(["ID", "EVENT", "STATUS", "ATTEMPTS", "HTTP", "LATENCY", "CREATED", "LAST ERROR"], rows));
    });
  return withExamples(command, [["As JSON", "taskyard webhooks deliveries 3f2a91c0 -o json"]]);
}
