import { TOOL_CALL_TEXT_MAX_BYTES, type ToolCall } from "../agents/agentapi-client";

/** Text cut to at most `max` bytes of UTF-8 on a character boundary, and whether it was cut. */
export function capped(text: string, max = TOOL_CALL_TEXT_MAX_BYTES): { text: string; truncated: boolean } {
  if (Buffer.byteLength(text) <= max) return { text, truncated: false };
  // A character cut in two decodes to U+FFFD at the end: drop it.
  return { text: Buffer.from(text).subarray(0, max).toString("utf8").replace(/\uFFFD$/, ""), truncated: true };
}

/** A tool call as the task page shows it: its arguments as JSON text, no answer yet. */
export function newToolCall(call: { id: string; name: string; input: unknown }): ToolCall {
  const input = capped(JSON.stringify(call.input ?? {}, null, 2));
  return { id: call.id, name: call.name, input: input.text, input_truncated: input.truncated, output: null, output_bytes: 0, output_truncated: false, is_error: false };
}

/** The call with its answer (kept up to 16 KiB, its whole size counted). */
export function answered(call: ToolCall, output: string, isError: boolean): ToolCall {
  const kept = capped(output);
  return { ...call, output: kept.text, output_bytes: Buffer.byteLength(output), output_truncated: kept.truncated, is_error: isError };
}
