/**
 * How a coding agent's tool call reads in a transcript: `Name: main argument`, one paragraph of its
 * own. The claude-code brain writes these lines; the dashboard shows them verbatim, not as Markdown.
 */
export const CODING_TOOLS = ["Bash", "Read", "Write", "Edit", "MultiEdit", "Glob", "Grep", "LS", "NotebookEdit", "TodoWrite", "WebFetch", "WebSearch", "Task"];

/** Tools Claude Code may call beyond those it is allowed without asking (their lines read the same). */
const OTHER_TOOLS = ["BashOutput", "KillShell", "Agent", "Skill"];

/**
 * An ACP agent's tool calls, by their ACP `kind` (lib/agent/brains/acp-transcript.ts): ACP's tool calls
 * say what kind of thing they do (a name only from newer agents). Read and Edit read the same as Claude Code's.
 */
export const ACP_TOOL_LABELS = { read: "Read", edit: "Edit", delete: "Delete", move: "Move", search: "Search", execute: "Execute", think: "Think", fetch: "Fetch", switch_mode: "Mode", other: "Tool" } as const;

export const TOOL_LINE = new RegExp(`^(?:${[...new Set([...CODING_TOOLS, ...OTHER_TOOLS, ...Object.values(ACP_TOOL_LABELS)])].join("|")}|mcp__[\\w-]+): [^\\n]*$`);
