#!/usr/bin/env node
// `next start` as a child of the launcher that exits when its parent is gone (a killed launcher
// must not leave a web server holding the port).
const parent = process.ppid;
setInterval(() => process.ppid !== parent && process.exit(0), 500).unref();
await import("./peer-address.mjs");
await import("./tls.mjs");
process.argv = [process.argv[0], "next", "start", ...process.argv.slice(2)];
await import("next/dist/bin/next");
