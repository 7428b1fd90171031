/** A comment that asks for a task: `/taskyard` as its first word, the rest of the comment its prompt. */
const COMMAND = /^\/taskyard(?=\s|$)([\s\S]*)$/;

/** The prompt of a `/taskyard <prompt>` comment ("" for a bare `/taskyard`), or undefined when the comment is not one. */
export function taskyardCommand(commentBody: string): string | undefined {
  const match = COMMAND.exec(commentBody.replace(/^\s+/, ""));
  return match ? match[1].trim() : undefined;
}

const TRUNCATED = "\n\n[… cut to fit Taskyard's prompt limit]";

/**
 * A task's prompt from its issue: the title, the body, and the comment's prompt when a comment
 * asked, separated by blank lines; cut (at a character boundary) to `maxBytes` of UTF-8, saying so.
 */
export function issuePrompt(issue: { title: string; body?: string | null }, commandPrompt: string | undefined, maxBytes: number): string {
  const parts = [issue.title.trim(), (issue.body ?? "").trim(), (commandPrompt ?? "").trim()].filter(Boolean);
  const prompt = parts.join("\n\n") || "(an issue without a title or body)";
  if (Buffer.byteLength(prompt, "utf8") <= maxBytes) return prompt;
  const room = Math.max(0, maxBytes - Buffer.byteLength(TRUNCATED, "utf8"));
  let cut = "";
  let bytes = 0;
  for (const char of prompt) {
    const size = Buffer.byteLength(char, "utf8");
    if (bytes + size > room) break;
    cut += char;
    bytes += size;
  }
  return cut + TRUNCATED;
}
