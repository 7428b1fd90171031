import Table from "cli-table3";
import { cliEnv } from "../lib/env";

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colourOn(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !cliEnv().NO_COLOR;
}

const paint = (code: string, text: string, stream?: NodeJS.WriteStream) => (colourOn(stream) ? `\x1b[${code}m${text}\x1b[0m` : text);

const STATUS_COLOURS: Record<string, string> = { active: "32", pending: "34", initializing: "33", paused: "90", error: "31", unknown: "35" };
export const statusColour = (status: string) => paint(STATUS_COLOURS[status] ?? "0", status);
export const bold = (text: string, stream?: NodeJS.WriteStream) => paint("1", text, stream);
export const red = (text: string, stream?: NodeJS.WriteStream) => paint("31", text, stream);

/** "12s ago", "5m ago", "3h ago", "2d ago": how long since `iso`. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "";
  const s = Math.max(0, Math.floor((now - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

export const timestamp = (date: Date | string = new Date()) => new Date(date).toLocaleString();

const BORDERLESS = Object.fromEntries(
  ["top", "top-mid", "top-left", "top-right", "bottom", "bottom-mid", "bottom-left", "bottom-right", "left", "left-mid", "mid", "mid-mid", "right", "right-mid", "middle"].map((k) => [k, ""]),
);

/** Coder's table look: upper-case headers, columns separated by spaces, no borders. */
export function renderTable(columns: string[], rows: string[][]): string {
  const table = new Table({
    head: columns.map((c) => c.toUpperCase()),
    chars: BORDERLESS,
    style: { head: [], border: [], "padding-left": 0, "padding-right": 2 },
  });
  table.push(...rows);
  return table
    .toString()
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n");
}

/** `-c a,b -c c` → ["a", "b", "c"], as Coder's `--column` takes them. */
export const collectColumns = (value: string, previous: string[] | undefined) => [...(previous ?? []), ...value.split(",").map((c) => c.trim().toLowerCase()).filter(Boolean)];

export function printJson(value: unknown) {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
