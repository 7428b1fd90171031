#!/usr/bin/env node
// The `taskyard` command: runs the TypeScript CLI through tsx (no separate compile step).
import { register } from "node:module";
import { register as registerTsx } from "tsx/esm/api";

register("./server-only-hook.mjs", import.meta.url);
registerTsx();
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
await import("../cli/index.ts");
