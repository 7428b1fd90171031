#!/usr/bin/env node
// `npm test`: every suite (unit + API integration with vitest, browser with Playwright), each
// run even if an earlier one failed, then one line summing them all: `N passed, N failed, N skipped`.
// `npm run chaos` (`--chaos`): the fault-injection suite alone, summed the same way.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, "test-results");
fs.mkdirSync(out, { recursive: true });
const run = (cmd, args, env = {}) => spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } }).status;
const bin = (name) => path.join(root, "node_modules/.bin", name);

if (run(process.execPath, ["bin/taskyard.mjs", "ensure-build"]) !== 0) {
  console.log("0 passed, 1 failed");
  process.exit(1);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const chaos = process.argv.includes("--chaos");
const extraArgs = process.argv.slice(2).filter((a) => a !== "--chaos");
// The chaos project is not part of `npm test` (its own budget); an explicit --project wins.
const projects = extraArgs.some((a) => a.startsWith("--project")) ? [] : chaos ? ["--project", "chaos"] : ["--project", "unit", "--project", "api", "--project", "runtime"];

const vitestReport = path.join(out, chaos ? "chaos-vitest.json" : "vitest.json");
fs.rmSync(vitestReport, { force: true });
const vitestStatus = run(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestReport}`, ...projects, ...extraArgs]);
if (fs.existsSync(vitestReport)) {
  const r = JSON.parse(fs.readFileSync(vitestReport, "utf8"));
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests + (vitestStatus !== 0 && r.numFailedTests === 0 ? 1 : 0);
  totals.skipped += r.numPendingTests + r.numTodoTests;
} else if (vitestStatus !== 0) totals.failed += 1;

// CI (.ci/run sets TASKYARD_CHAOS_BESIDE_E2E): the chaos suite runs beside the browser suite, each
// with servers of its own, so the two take the time of the longer; its output is kept in
// test-results/chaos.log and printed after, its exit status in chaos-status.
let chaosDone;
if (!chaos && process.env.TASKYARD_CHAOS_BESIDE_E2E) {
  const log = fs.openSync(path.join(out, "chaos.log"), "w");
  const child = spawn(process.execPath, [path.join(root, "scripts/test.mjs"), "--chaos"], { cwd: root, stdio: ["ignore", log, log], env: { ...process.env, TASKYARD_CHAOS_BESIDE_E2E: "" } });
  chaosDone = new Promise((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
}

if (!chaos && fs.existsSync(path.join(root, "playwright.config.ts")) && !process.env.TASKYARD_SKIP_E2E) {
  const pwReport = path.join(out, "playwright.json");
  fs.rmSync(pwReport, { force: true });
  const pwStatus = run(bin("playwright"), ["test", "--reporter=list,json"], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwReport });
  if (fs.existsSync(pwReport)) {
    const s = JSON.parse(fs.readFileSync(pwReport, "utf8")).stats;
    totals.passed += s.expected + s.flaky;
    totals.failed += s.unexpected + (pwStatus !== 0 && s.unexpected === 0 ? 1 : 0);
    totals.skipped += s.skipped;
  } else if (pwStatus !== 0) totals.failed += 1;
}

if (chaosDone) {
  const code = await chaosDone;
  console.log("\n--- the chaos suite (run beside the browser suite)");
  process.stdout.write(fs.readFileSync(path.join(out, "chaos.log")));
  fs.writeFileSync(path.join(out, "chaos-status"), `${code}\n`);
}

const line = `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
fs.writeFileSync(path.join(out, chaos ? "chaos-summary.txt" : "summary.txt"), line + "\n");
console.log(`\n${line}`);
process.exit(totals.failed > 0 ? 1 : 0);
