import { z } from "zod";

/** The AgentAPI protocol (coder/agentapi's openapi.json), as the server speaks it to any agent. */
export const agentMessage = z.object({
  id: z.number().int(),
  content: z.string(),
  role: z.enum(["user", "agent"]),
  time: z.string(),
});
export type AgentMessage = z.infer<typeof agentMessage>;

const statusResponse = z.object({ status: z.enum(["running", "stable"]), agent_type: z.string().optional() });
const messagesResponse = z.object({ messages: z.array(agentMessage).nullable().transform((m) => m ?? []) });

export class AgentUnreachableError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = "AgentUnreachableError";
  }
}

async function call<T extends z.ZodType>(url: string, schema: T, init: RequestInit = {}, timeoutMs = 5000): Promise<z.infer<T>> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new AgentUnreachableError(`agent at ${new URL(url).host} is unreachable: ${e instanceof Error ? e.message : e}`);
  }
  const body = await res.json().catch(() => undefined);
  if (!res.ok) {
    const detail = (body as { detail?: string; title?: string } | undefined)?.detail ?? (body as { title?: string })?.title ?? res.statusText;
    throw new AgentUnreachableError(`agent answered ${res.status}: ${detail}`, res.status);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new AgentUnreachableError("agent sent a response that is not AgentAPI");
  return parsed.data;
}

export function createAgentApiClient(baseUrl: string) {
  const base = baseUrl.replace(/\/+$/, "");
  return {
    status: () => call(`${base}/status`, statusResponse),
    messages: (timeoutMs?: number) => call(`${base}/messages`, messagesResponse, {}, timeoutMs).then((r) => r.messages),
    send: (content: string, type: "user" | "raw" = "user") =>
      call(`${base}/message`, z.object({ ok: z.boolean() }), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ content, type }),
      }),
  };
}
