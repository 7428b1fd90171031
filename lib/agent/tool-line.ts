/**
 * How a coding agent's tool call reads in a transcript: `Name: main argument`, one paragraph of its
 * own. The claude-code brain writes these lines; the dashboard shows them verbatim, not as Markdown.
 */
export const CODING_TOOLS = ["Bash", "Read", "Write", "Edit", "MultiEdit", "Glob", "Grep", "LS", "NotebookEdit", "TodoWrite", "WebFetch", "WebSearch", "Task"];

/** Tools Claude Code may call beyond those it is allowed without asking (their lines read the same). */
const OTHER_TOOLS = ["BashOutput", "KillShell", "Agent", "Skill"];

export const TOOL_LINE = new RegExp(`^(?:${[...CODING_TOOLS, ...OTHER_TOOLS].join("|")}|mcp__[\\w-]+): [^\\n]*$`);
