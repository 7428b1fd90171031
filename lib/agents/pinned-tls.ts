import { X509Certificate } from "node:crypto";
import tls, { type PeerCertificate } from "node:tls";
import { Agent } from "undici";
import { BoundedCache } from "../bounded-cache";

/**
 * How the server reaches an agent on another host: over TLS, trusting exactly the certificate the
 * agent registered (docs/deployment.md "Traffic between hosts"). That certificate is the only CA
 * (never the system store), the address must be one it names, and its SHA-256 fingerprint must be
 * the registered one: a certificate some CA issued for the same address does not pass.
 */

/** Colons and upper case, as node:crypto and node:tls both spell a fingerprint. */
export function fingerprintOf(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

/** The `ca` and `checkServerIdentity` of a connection pinned to `pem` (node:https, undici's `connect`). */
export function pinnedTlsOptions(pem: string): { ca: string; checkServerIdentity: (host: string, cert: PeerCertificate) => Error | undefined } {
  const pinned = fingerprintOf(pem);
  return {
    ca: pem,
    // Called only once the chain has verified against `ca`: then the name, then the exact certificate.
    checkServerIdentity(host, cert) {
      const wrongName = tls.checkServerIdentity(host, cert);
      if (wrongName) return wrongName;
      if (cert.fingerprint256 !== pinned) return new Error(`the agent presented a certificate other than the one it registered (${cert.fingerprint256})`);
      return undefined;
    },
  };
}

type Pinned = { options: ReturnType<typeof pinnedTlsOptions>; dispatcher: Agent };

/**
 * Per registered certificate: its TLS options (node:https, short exchanges) and one connection
 * pool for `fetch` (streams, the AgentAPI pass-through), made once. Bounded to the last 256
 * certificates used; a dropped pool's idle connections close by themselves (keepAliveTimeout).
 */
const pins = new BoundedCache<Pinned>({ maxEntries: 256, maxSize: 256, sizeOf: () => 1 });

export function pinned(pem: string): Pinned {
  let found = pins.get(pem);
  if (!found) {
    const options = pinnedTlsOptions(pem);
    found = { options, dispatcher: new Agent({ connect: options, keepAliveTimeout: 10_000 }) };
    pins.set(pem, found);
  }
  return found;
}

/** A certificate an agent may register: one PEM certificate, readable, and no bigger than a certificate is. */
export function certificateProblem(pem: string): string | undefined {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
  if (blocks !== 1) return "must be exactly one PEM certificate";
  try {
    const cert = new X509Certificate(pem);
    if (new Date(cert.validTo).getTime() < Date.now()) return "has expired";
    return undefined;
  } catch {
    return "is not a readable X.509 certificate";
  }
}
