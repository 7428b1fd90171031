// HTTPS for `next start`, which has no option for it: with `--taskyard-tls-cert <file>
// --taskyard-tls-key <file>` (the launcher's, from TASKYARD_TLS_CERT_FILE / _KEY_FILE, checked
// there), the server Next.js makes is an https one on the same port. Removed from argv before
// Next.js reads it. The peer-address header (./peer-address.mjs) is set on it as on http.
import fs from "node:fs";
import http from "node:http";
import https from "node:https";

function take(flag) {
  const at = process.argv.indexOf(flag);
  if (at === -1) return undefined;
  const [, value] = process.argv.splice(at, 2);
  return value;
}

const certFile = take("--taskyard-tls-cert");
const keyFile = take("--taskyard-tls-key");
if (certFile && keyFile) {
  const options = { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) };
  http.createServer = (...args) => https.createServer(options, ...args.filter((a) => typeof a === "function"));
  const emit = https.Server.prototype.emit;
  https.Server.prototype.emit = function (event, req, ...rest) {
    if (event === "request" && req?.headers) req.headers["x-taskyard-peer"] = req.socket?.remoteAddress ?? "";
    return emit.call(this, event, req, ...rest);
  };
}
