import { describe, expect, it } from "vitest";
import { AgentUnreachableError, capLines, createAgentApiClient, fetchAgent, readCapped } from "./agentapi-client";

const streamOf = (...chunks: string[]) =>
  new ReadableStream<string>({
    start(controller) {
      chunks.forEach((c) => controller.enqueue(c));
      controller.close();
    },
  });

async function drain(stream: ReadableStream<string>): Promise<string> {
  let out = "";
  for await (const chunk of stream) out += chunk;
  return out;
}

describe("capLines", () => {
  it("passes lines within the cap through, however they are chunked", async () => {
    expect(await drain(streamOf("event: a\nda", "ta: 12345\n\n", "x".repeat(10), "\n").pipeThrough(capLines(10)))).toBe(
      `event: a\ndata: 12345\n\n${"x".repeat(10)}\n`,
    );
  });

  it("ends the stream at a line longer than the cap, even one spread over many chunks", async () => {
    await expect(drain(streamOf("ok\n", "x".repeat(6), "x".repeat(6)).pipeThrough(capLines(10)))).rejects.toBeInstanceOf(AgentUnreachableError);
  });
});

describe("readCapped", () => {
  it("reads an answer up to the cap and refuses one past it, declared or not", async () => {
    expect(Buffer.from(await readCapped(new Response("hello"), 5)).toString()).toBe("hello");
    await expect(readCapped(new Response("hello!"), 5)).rejects.toThrow(/larger than 5 bytes/);
    const declared = new Response("x", { headers: { "content-length": "1000" } });
    await expect(readCapped(declared, 5)).rejects.toThrow(/larger than 5 bytes/);
  });
});

describe("the one rule for reaching an agent", () => {
  it("refuses plain http beyond loopback and https without a pinned certificate, before any connection", async () => {
    // Addresses nobody listens on: a refusal here comes from the rule, not from the network.
    await expect(createAgentApiClient({ url: "http://10.252.0.1:9", secret: "s" }).status(500)).rejects.toThrow(/plain HTTP is for loopback agents only/);
    await expect(fetchAgent({ url: "http://10.252.0.1:9", secret: "s" }, "/events")).rejects.toThrow(/plain HTTP is for loopback agents only/);
    await expect(createAgentApiClient({ url: "https://10.252.0.1:9", secret: "s" }).status(500)).rejects.toThrow(/registered no certificate to pin/);
    await expect(fetchAgent({ url: "https://10.252.0.1:9", secret: "s", certificate: null }, "/events")).rejects.toThrow(/registered no certificate to pin/);
    // Loopback over plain http is still the way for an agent on this host (refused by the closed port, not the rule).
    await expect(createAgentApiClient({ url: "http://127.0.0.1:9", secret: "s" }).status(500)).rejects.toThrow(/unreachable/);
  });
});
