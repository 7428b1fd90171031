/**
 * What Anthropic charges per million tokens, by model family, as published on
 * https://www.anthropic.com/pricing (API) on the date below. A model is priced by the longest
 * prefix of its id listed here; one not listed costs 0 (its tokens are still counted) and is logged.
 */
export const PRICES_AS_OF = "2026-11-30";

type Price = { input: number; output: number; cacheWrite: number; cacheRead: number };

const PER_MILLION: [prefix: string, price: Price][] = [
  ["claude-opus-4-5", { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 }],
  ["claude-opus-4", { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5 }],
  ["claude-sonnet-4", { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 }],
  ["claude-3-7-sonnet", { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 }],
  ["claude-haiku-4-5", { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 }],
  ["claude-3-5-haiku", { input: 0.8, output: 4, cacheWrite: 1, cacheRead: 0.08 }],
  ["claude-3-haiku", { input: 0.25, output: 1.25, cacheWrite: 0.3, cacheRead: 0.03 }],
];

export type Usage = { input_tokens: number; output_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number };

export function priceOf(model: string): Price | undefined {
  let best: [string, Price] | undefined;
  for (const entry of PER_MILLION) if (model.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  return best?.[1];
}

/** The cost in USD of `usage` on `model` (0 for a model the table does not know). */
export function costOf(model: string, usage: Usage): number {
  const price = priceOf(model);
  if (!price) return 0;
  return (
    (usage.input_tokens * price.input + usage.output_tokens * price.output + usage.cache_creation_input_tokens * price.cacheWrite + usage.cache_read_input_tokens * price.cacheRead) /
    1_000_000
  );
}
