import { createPrivateKey, X509Certificate } from "node:crypto";
import fs from "node:fs";
import { env } from "../env";

/** The server's own HTTPS: its certificate and key files, and the leaf's fingerprint (what the launcher's health check pins). */
export type ServerTls = { certFile: string; keyFile: string; cert: string; fingerprint: string; selfSigned: boolean };

function readPem(variable: string, file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`invalid environment: ${variable} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}: ${file})`);
  }
}

/**
 * TASKYARD_TLS_CERT_FILE and TASKYARD_TLS_KEY_FILE, checked at start (both or neither, readable, the
 * key the certificate's): a mistake stops the server with one line instead of every browser's
 * handshake failing. Undefined: plain HTTP, as before.
 */
export function serverTls(): ServerTls | undefined {
  const { TASKYARD_TLS_CERT_FILE: certFile, TASKYARD_TLS_KEY_FILE: keyFile } = env();
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new Error("invalid environment: TASKYARD_TLS_CERT_FILE and TASKYARD_TLS_KEY_FILE go together (set both, or neither for plain HTTP)");
  const cert = readPem("TASKYARD_TLS_CERT_FILE", certFile);
  const key = readPem("TASKYARD_TLS_KEY_FILE", keyFile);
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch {
    throw new Error(`invalid environment: TASKYARD_TLS_CERT_FILE is not a PEM certificate (${certFile})`);
  }
  let matches = false;
  try {
    matches = leaf.checkPrivateKey(createPrivateKey(key));
  } catch {
    throw new Error(`invalid environment: TASKYARD_TLS_KEY_FILE is not a PEM private key (${keyFile})`);
  }
  if (!matches) throw new Error("invalid environment: TASKYARD_TLS_KEY_FILE is not the key of TASKYARD_TLS_CERT_FILE's certificate");
  const selfSigned = leaf.checkIssued(leaf) && leaf.verify(leaf.publicKey);
  return { certFile, keyFile, cert, fingerprint: leaf.fingerprint256, selfSigned };
}

/**
 * The CA (PEM text) the agents this host starts check the server's certificate against: the
 * TASKYARD_CA_FILE, else (for the server's own provisioner) its certificate when self-signed, else
 * none: the system's CAs. A remote provisioner passes its `--ca <file>` as `caFile`.
 */
export function agentServerCa(caFile: string | undefined = env().TASKYARD_CA_FILE): string | undefined {
  if (caFile) return readPem(caFile === env().TASKYARD_CA_FILE ? "TASKYARD_CA_FILE" : "--ca", caFile);
  const own = serverTls();
  return own?.selfSigned ? own.cert : undefined;
}
