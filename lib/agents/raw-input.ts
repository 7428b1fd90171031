/** AgentAPI's Stop: its chat UI (and any terminal) sends a lone ESC to interrupt the agent. */
export const INTERRUPT_KEY = "\u001b";

/** What a `{"type":"raw"}` AgentAPI message means to an agent without a terminal. */
export type RawInput = { kind: "interrupt" } | { kind: "control" } | { kind: "text"; text: string };

// Keystrokes as terminals send them: CSI/SS3 sequences (arrows, function keys), other ESC pairs, C0 controls and DEL.
const ESCAPE_SEQUENCE = /\u001b(?:\[[0-?]*[ -/]*[@-~]|O[@-~]|[@-_])/g;
const CONTROL = /[\u0000-\u001f\u007f]/g;

/**
 * Raw input read the way AgentAPI's `acp` transport reads it (x/acpio Write): bracketed-paste
 * markers and Claude Code's `x\b` hack stripped, then trimmed; what remains is a prompt. A lone
 * ESC (or several) is Stop; keystrokes with no text (Enter, arrows, Ctrl-C…) are nothing to act on.
 */
export function readRawInput(content: string): RawInput {
  if (content.length > 0 && /^\u001b+$/.test(content)) return { kind: "interrupt" };
  // Trimmed first as well: a paste is often followed by its Enter.
  let text = content.trim();
  if (text.startsWith("\u001b[200~")) text = text.slice("\u001b[200~".length);
  if (text.endsWith("\u001b[201~")) text = text.slice(0, -"\u001b[201~".length);
  if (text.startsWith("x\b")) text = text.slice(2);
  text = text.trim();
  if (!text.replace(ESCAPE_SEQUENCE, "").replace(CONTROL, "").trim()) return { kind: "control" };
  return { kind: "text", text };
}
