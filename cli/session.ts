import fsSync from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { cliEnv } from "../lib/env";
import { TaskyardClient } from "../lib/sdk/client";
import { UnreachableError } from "./errors";

export type Session = { url: string; token: string };

export const sessionFile = () => path.join(cliEnv().XDG_CONFIG_HOME ?? path.join(os.homedir(), ".config"), "taskyard", "session.json");

/** The session holds a bearer token: the file is the user's alone (0600, in a 0700 directory). */
export async function saveSession(session: Session): Promise<string> {
  const file = sessionFile();
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await fs.writeFile(file, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
  await fs.chmod(file, 0o600); // an older file may have been created with a looser mode
  return file;
}

export async function readSavedSession(): Promise<Partial<Session>> {
  return fs.readFile(sessionFile(), "utf8").then(
    (text) => JSON.parse(text) as Partial<Session>,
    () => ({}),
  );
}

export async function removeSession(): Promise<boolean> {
  return fs.rm(sessionFile()).then(
    () => true,
    () => false,
  );
}

let caFileOption: string | undefined;

/** `taskyard --ca <file> …`: wins over TASKYARD_CA_FILE. */
export function useCaFile(file: string | undefined) {
  caFileOption = file;
}

/**
 * With a CA file (`--ca`, TASKYARD_CA_FILE), the server's https certificate is checked against it
 * alone instead of the system's CAs (a server with its own or a private CA's certificate).
 */
async function trustOptions(): Promise<RequestInit> {
  const file = caFileOption ?? cliEnv().TASKYARD_CA_FILE;
  if (!file) return {};
  // Loaded only then: undici costs every other command a noticeable start-up.
  const { Agent } = await import("undici");
  let ca: string;
  try {
    ca = fsSync.readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`cannot read the CA file ${file} (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  // `dispatcher` is undici's option of Node's fetch (not in the DOM's RequestInit).
  return { dispatcher: new Agent({ connect: { ca } }) } as RequestInit;
}

/** An SDK client whose network failures read "cannot reach the server at …" instead of "fetch failed". */
export function clientFor(url: string, token?: string): TaskyardClient {
  const baseUrl = url.replace(/\/+$/, "");
  let trust: Promise<RequestInit> | undefined;
  return new TaskyardClient({
    baseUrl,
    token,
    fetch: async (input, init) =>
      fetch(input, { ...init, ...(await (trust ??= trustOptions())) }).catch((error: unknown) => {
        if ((error as Error).name === "AbortError") throw error;
        throw new UnreachableError(baseUrl, error);
      }),
  });
}

/** TASKYARD_URL and TASKYARD_SESSION_TOKEN each win over what `taskyard login` saved (CI sets them). */
export async function currentSession(): Promise<Session> {
  const saved = await readSavedSession();
  const url = cliEnv().TASKYARD_URL ?? saved.url;
  const token = cliEnv().TASKYARD_SESSION_TOKEN ?? saved.token;
  if (!url || !token) throw new Error("You are not logged in: run `taskyard login <url>` (or set TASKYARD_URL and TASKYARD_SESSION_TOKEN).");
  return { url, token };
}

export async function loggedInClient(): Promise<TaskyardClient> {
  const { url, token } = await currentSession();
  return clientFor(url, token);
}
