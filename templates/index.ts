import type { TemplateConfig } from "../lib/db/schema/templates";

export type BuiltinTemplate = {
  name: string;
  displayName: string;
  description: string;
  icon: string;
  version: string;
  config: TemplateConfig;
  presets: { name: string; description: string; isDefault: boolean; parameters: { name: string; value: string }[] }[];
};

const ANTHROPIC_ENV = ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "ANTHROPIC_MODEL"];
/** What a `claude` task may run on (the first is the default; lib/gateway/models.ts). */
const CLAUDE_MODELS = ["claude-haiku-4-5", "claude-sonnet-4-5", "claude-opus-4-5"];

/** The templates every Taskyard starts with; seeded (idempotently) at every start. */
export const BUILTIN_TEMPLATES: BuiltinTemplate[] = [
  {
    name: "echo",
    displayName: "Echo agent",
    description: "Offline and deterministic: replies with what you wrote. Understands /sleep <ms>, /complete, /fail, /crash and /sh <command> (runs it in the workspace).",
    icon: "/icon/echo.svg",
    version: "v1",
    config: { brain: "echo" },
    presets: [
      { name: "Default", description: "Replies at once.", isDefault: true, parameters: [] },
      { name: "Slow", description: "Thinks for a second before each reply.", isDefault: false, parameters: [{ name: "reply_delay_ms", value: "1000" }] },
    ],
  },
  {
    name: "claude",
    displayName: "Claude",
    description: "Claude Code, Anthropic's coding agent: reads, changes and tests code in the workspace. Needs ANTHROPIC_API_KEY.",
    icon: "/icon/claude.svg",
    version: "v1",
    config: { brain: "claude-code", env: ANTHROPIC_ENV, models: CLAUDE_MODELS },
    presets: [{ name: "Default", description: "Claude Code with ANTHROPIC_MODEL (default claude-haiku-4-5).", isDefault: true, parameters: [] }],
  },
  {
    name: "agentapi",
    displayName: "Custom AgentAPI agent",
    description: "Runs any command that speaks the AgentAPI protocol (for example `agentapi server -- claude`).",
    icon: "/icon/agentapi.svg",
    version: "v1",
    config: { brain: "agentapi", command: ["agentapi", "server", "--port", "$PORT", "--", "claude"], env: ANTHROPIC_ENV },
    presets: [{ name: "Default", description: "agentapi server -- claude", isDefault: true, parameters: [] }],
  },
  {
    name: "claude-acp",
    displayName: "Claude (ACP)",
    description: "Claude Code through its Agent Client Protocol adapter (@zed-industries/claude-code-acp), run by the acp brain. Needs ANTHROPIC_API_KEY.",
    icon: "/icon/claude.svg",
    version: "v1",
    // `claude-code-acp` is a dependency of Taskyard's: found in its node_modules/.bin (lib/agent/shipped-programs.ts).
    config: { brain: "acp", command: ["claude-code-acp"], env: ANTHROPIC_ENV, models: CLAUDE_MODELS },
    presets: [{ name: "Default", description: "Claude Code's ACP adapter with ANTHROPIC_MODEL (default claude-haiku-4-5).", isDefault: true, parameters: [] }],
  },
  {
    name: "gemini",
    displayName: "Gemini CLI",
    description: "Google's Gemini CLI in its ACP mode (gemini --experimental-acp). Needs `gemini` installed on the server and GEMINI_API_KEY or GOOGLE_API_KEY.",
    icon: "/icon/gemini.svg",
    version: "v1",
    config: { brain: "acp", command: ["gemini", "--experimental-acp"], env: ["GEMINI_API_KEY", "GOOGLE_API_KEY"] },
    presets: [{ name: "Default", description: "gemini --experimental-acp", isDefault: true, parameters: [] }],
  },
];
