import Anthropic from "@anthropic-ai/sdk";
import { z } from "zod";

export type NamingOptions = {
  anthropic?: { apiKey: string; baseURL?: string; model: string }; // absent → skip the model
  timeoutMs?: number; // model call budget, default 5000
  random?: () => number; // injectable for tests, default Math.random
};

export type GeneratedName = { name: string; displayName: string };

import { TASK_NAME_PATTERN } from "../validation/tasks";

export { TASK_NAME_PATTERN };

const MAX_BASE_LENGTH = 27; // leaves room for "-" + 4 hex digits within 32
const MAX_DISPLAY_LENGTH = 64;
const DEFAULT_TIMEOUT_MS = 5000;
const GENERIC_NAMES = new Set(["new", "create"]);

const ADJECTIVES = [
  "brave", "calm", "clever", "eager", "fancy", "gentle", "happy", "jolly", "keen", "lively", "lucky", "mighty",
  "nimble", "proud", "quick", "quiet", "shiny", "silly", "steady", "sunny", "swift", "tidy", "witty", "zesty",
];
const NOUNS = [
  "badger", "beaver", "comet", "falcon", "ferret", "gecko", "heron", "koala", "lynx", "marmot", "meadow", "otter",
  "panda", "pebble", "puffin", "raven", "river", "robin", "walrus", "willow", "wombat", "yak", "zebra", "maple",
];

const SYSTEM_PROMPT = `You name tasks for an AI coding agent from the user's prompt.
Answer ONLY with a JSON object, no prose and no code fences:
{"display_name": "...", "task_name": "..."}
- task_name: a short lowercase kebab-case slug of at most 27 characters, using only a-z, 0-9 and "-". Do not start it with "task". Never answer just "new" or "create".
- display_name: a short human-readable title of at most 64 characters, starting with a capital letter, without trailing punctuation.`;

const modelAnswerSchema = z.object({ display_name: z.string(), task_name: z.string() });

export async function generateTaskName(prompt: string, options: NamingOptions = {}): Promise<GeneratedName> {
  const random = options.random ?? Math.random;
  try {
    const text = typeof prompt === "string" ? prompt : "";
    const fromModel = options.anthropic
      ? await nameFromModel(text, options.anthropic, options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
      : null;
    const base = fromModel?.name ?? slugFromPrompt(text) ?? randomWords(random);
    const displayName = fromModel?.displayName || toDisplayName(firstLine(text)) || toDisplayName(base.replace(/-/g, " "));
    return { name: withSuffix(base, random), displayName };
  } catch {
    // Only reachable if an injected `random` misbehaves; naming must never block task creation.
    const base = randomWords(Math.random);
    return { name: withSuffix(base, Math.random), displayName: toDisplayName(base.replace(/-/g, " ")) };
  }
}

export function slugFromPrompt(prompt: string): string | null {
  const words = asciiFold(prompt)
    .toLowerCase()
    .replace(/['’]/g, "") // "don't" → "dont" rather than "don-t"
    .match(/[a-z0-9]+/g);
  if (!words) return null;
  return usableBase(words.join("-"));
}

export function withSuffix(base: string, random: () => number = Math.random): string {
  const value = Math.floor(random() * 0x10000);
  const clamped = Number.isFinite(value) ? Math.min(0xffff, Math.max(0, value)) : 0;
  return `${base}-${clamped.toString(16).padStart(4, "0")}`;
}

export function toDisplayName(text: string): string {
  const collapsed = text.trim().replace(/\s+/g, " ");
  const capitalized = collapsed.charAt(0).toUpperCase() + collapsed.slice(1);
  return stripTrailingPunctuation(truncateAtWord(capitalized, MAX_DISPLAY_LENGTH));
}

async function nameFromModel(
  prompt: string,
  config: NonNullable<NamingOptions["anthropic"]>,
  timeoutMs: number,
): Promise<{ name: string | null; displayName: string | null } | null> {
  try {
    const answer = await withTimeout(timeoutMs, (signal) => askModel(prompt, config, timeoutMs, signal));
    const parsed = modelAnswerSchema.safeParse(extractJsonObject(answer));
    if (!parsed.success) return null;
    return {
      name: sanitizeModelName(parsed.data.task_name),
      displayName: toDisplayName(parsed.data.display_name) || null,
    };
  } catch {
    return null;
  }
}

async function askModel(
  prompt: string,
  config: NonNullable<NamingOptions["anthropic"]>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<string> {
  const client = new Anthropic({
    apiKey: config.apiKey,
    baseURL: config.baseURL,
    timeout: timeoutMs,
    maxRetries: 0,
    logLevel: "off", // failures fall back silently
  });
  const message = await client.messages.create(
    { model: config.model, max_tokens: 200, system: SYSTEM_PROMPT, messages: [{ role: "user", content: prompt }] },
    { signal },
  );
  const block = message.content.find((b) => b.type === "text");
  if (!block || block.type !== "text") throw new Error("model answered without text");
  return block.text;
}

/** Rejects after `ms` even if the work ignores the abort signal, so a silent server can't hang task creation. */
async function withTimeout<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`timed out after ${ms}ms`));
    }, ms);
  });
  const pending = work(controller.signal);
  pending.catch(() => {}); // the loser of the race must not surface as an unhandled rejection
  try {
    return await Promise.race([pending, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Finds the first parseable `{...}` in text, tolerating prose or code fences around it. */
function extractJsonObject(text: string): unknown {
  for (let start = text.indexOf("{"); start !== -1; start = text.indexOf("{", start + 1)) {
    const end = matchingBrace(text, start);
    if (end === -1) return undefined;
    try {
      return JSON.parse(text.slice(start, end + 1));
    } catch {
      // not JSON here; try the next "{"
    }
  }
  return undefined;
}

function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) return i;
  }
  return -1;
}

function sanitizeModelName(raw: string): string | null {
  return usableBase(asciiFold(raw).toLowerCase().replace(/[^a-z0-9]+/g, "-"));
}

/** Turns a dash-joined candidate into a valid base name, or null if nothing meaningful is left. */
function usableBase(candidate: string): string | null {
  const trimmed = candidate.replace(/-+/g, "-").replace(/^-|-$/g, "");
  const base = truncateAtDash(stripTaskPrefix(trimmed), MAX_BASE_LENGTH);
  if (!TASK_NAME_PATTERN.test(base) || GENERIC_NAMES.has(base)) return null;
  return base;
}

// "task-" says nothing about a task and would spend the 27-char budget.
function stripTaskPrefix(slug: string): string {
  return slug.replace(/^(?:task(?:-|$))+/, "");
}

function truncateAtDash(slug: string, max: number): string {
  if (slug.length <= max) return slug;
  const cut = slug.lastIndexOf("-", max);
  return cut > 0 ? slug.slice(0, cut) : slug.slice(0, max);
}

function truncateAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(" ", max);
  if (cut > 0) return text.slice(0, cut);
  // Don't split a surrogate pair and leave half an emoji behind.
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
  return text.slice(0, end);
}

// Closing brackets and quotes end a phrase legitimately; other trailing punctuation is noise in a title.
function stripTrailingPunctuation(text: string): string {
  return text.replace(/(?:\s|[^\P{P})\]}"'’”»])+$/u, "");
}

function asciiFold(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "");
}

function firstLine(text: string): string {
  return text.split(/\r?\n/).find((line) => line.trim() !== "") ?? "";
}

function randomWords(random: () => number): string {
  return `${pick(ADJECTIVES, random)}-${pick(NOUNS, random)}`;
}

function pick<T>(items: readonly T[], random: () => number): T {
  const index = Math.floor(random() * items.length);
  return items[Math.min(items.length - 1, Math.max(0, index))] ?? items[0];
}
