#!/usr/bin/env node
// The package mirror here serves only some platforms' native builds (Linux ones, not macOS or
// Windows ones), so `npm install` leaves other platforms' optional packages out of
// package-lock.json, and `npm ci` then refuses the lock file as out of sync. This script adds
// the missing optional entries, marked with their platform, so `npm ci` skips them on Linux.
// Run it after changing dependencies: `node scripts/complete-lockfile.mjs`.
import fs from "node:fs";

const lockPath = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(fs.readFileSync(lockPath, "utf8"));
const platformOf = (name) => {
  const os = ["android", "darwin", "freebsd", "linux", "win32", "openbsd", "sunos", "netbsd"].find((o) => name.includes(`-${o}-`));
  const cpu = ["arm64", "x64", "ia32", "arm", "wasm32", "ppc64", "s390x", "riscv64", "loong64"].find((c) => name.includes(`-${c}`));
  return { ...(os ? { os: [os] } : {}), ...(cpu ? { cpu: [cpu] } : {}) };
};
let added = 0;
for (const entry of Object.values(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const where = `node_modules/${name}`;
    if (lock.packages[where]) continue;
    lock.packages[where] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, ...platformOf(name) };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
lock.packages = sorted;
fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + "\n");
console.log(`added ${added} optional platform entries to package-lock.json`);
