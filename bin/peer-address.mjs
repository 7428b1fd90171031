// The address a request really came from, as the header `x-taskyard-peer`, for the web server's
// per-client limits (sign-in throttling). Next.js passes a client's own X-Forwarded-For on
// untouched, so that header alone would let anyone pick their address; this one is always
// overwritten with the socket's, whatever the client sent.
import http from "node:http";

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, ...rest) {
  if (event === "request" && req?.headers) req.headers["x-taskyard-peer"] = req.socket?.remoteAddress ?? "";
  return emit.call(this, event, req, ...rest);
};
