import "reflect-metadata"; // @peculiar/x509's dependency injection (tsyringe) needs it loaded first
import { webcrypto } from "node:crypto";
import net from "node:net";
import * as x509 from "@peculiar/x509";

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
/** The certificate is pinned, never checked against a CA: its dates only have to cover the agent's life. */
const VALID_YEARS = 10;

/**
 * A fresh key pair and a self-signed certificate for the address an agent on another host serves
 * AgentAPI on, made in memory at every start (the key is never written anywhere). The server pins
 * exactly this certificate when the agent registers (lib/agents/pinned-tls.ts).
 */
export async function createAgentCertificate(address: string): Promise<{ key: string; cert: string }> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString("hex").replace(/^[89a-f]/, "1"),
    name: "CN=taskyard-agent",
    notBefore: new Date(now - 60 * 60 * 1000),
    notAfter: new Date(now + VALID_YEARS * 365 * 24 * 60 * 60 * 1000),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([net.isIP(address) ? { type: "ip", value: address } : { type: "dns", value: address }]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey as unknown as webcrypto.CryptoKey));
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n?$/, "\n")}-----END PRIVATE KEY-----\n`;
  return { key, cert: cert.toString("pem") };
}
