import path from "node:path";

/**
 * What a task's `repo_url` may be, beyond its syntax (lib/validation/tasks.ts): the one place for
 * the credential rule and the local-roots rule, used by create and again by the provisioner
 * before it clones. Pure (no environment, no file system): the caller passes the allowed roots.
 */

/** Where git's URL forms keep a userinfo: `scheme://[userinfo@]host…`; scp-like `user@host:path` has no password field. */
function userinfoOf(url: string): { scheme: string; userinfo: string } | undefined {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(url);
  if (!match) return undefined;
  const authority = match[2];
  // The last `@` ends the userinfo, as URL parsers read it (a password may itself hold an `@`).
  const at = authority.lastIndexOf("@");
  return at < 0 ? undefined : { scheme: match[1].toLowerCase(), userinfo: authority.slice(0, at) };
}

const isHttp = (scheme: string) => scheme === "http" || scheme === "https";

/**
 * Whether a URL carries credentials: any userinfo in http(s) (a lone name there is how tokens are
 * passed: `https://ghp_…@github.com/…`), a password (`user:pass@`) in any other scheme. A bare
 * `ssh://git@host/…` and scp-like `git@host:org/repo.git` name an account, not a secret.
 */
export function hasCredentials(url: string): boolean {
  const found = userinfoOf(url);
  if (!found) return false;
  return isHttp(found.scheme) ? found.userinfo !== "" : found.userinfo.includes(":");
}

export const CREDENTIALS_REFUSED =
  "must not carry credentials: store a git credential for the host instead; credentials are never accepted in repository URLs";

/** A repository URL with any credentials taken out (what `hasCredentials` finds): what may be shown or stored. */
export function withoutCredentials(url: string): string {
  const found = userinfoOf(url);
  if (!found || !hasCredentials(url)) return url;
  const prefix = url.slice(0, url.indexOf("://") + 3);
  const rest = url.slice(prefix.length + found.userinfo.length + 1);
  if (isHttp(found.scheme)) return prefix + rest;
  return `${prefix}${found.userinfo.slice(0, found.userinfo.indexOf(":"))}@${rest}`;
}

/**
 * The local directory a repository URL names (an absolute path or a `file:///` URL), if it is one.
 * A file URL must be the path itself — no host, `%`-escapes, query or fragment — so the path
 * judged here is the one git opens; anything else throws.
 */
export function localRepositoryPath(url: string): string | undefined {
  if (url.startsWith("/")) return url;
  if (!/^file:/i.test(url)) return undefined;
  const match = /^file:\/\/(\/[^?#%]*)$/.exec(url);
  if (!match) throw new Error("a file:// URL must be file:///absolute/path, without a host, %-escapes, query or fragment");
  return match[1];
}

/**
 * Why a local repository path may not be cloned, if it may not: local repositories are read only
 * from the roots the owner allows (`TASKYARD_LOCAL_REPO_ROOTS`), and the path is judged as
 * written — no `.`/`..` segments, no resolving on the host — since the clone sandbox shows git
 * those roots alone: what is checked here is what git opens there.
 */
export function localRepositoryProblem(local: string, roots: readonly string[]): string | undefined {
  if (roots.length === 0) return "is a local path, and local repositories are not enabled on this server (TASKYARD_LOCAL_REPO_ROOTS)";
  if (local.split("/").some((part) => part === "." || part === "..")) return "must not contain . or .. path segments";
  if (!roots.some((root) => isWithin(local, root))) return `is outside the directories local repositories may come from (${roots.join(", ")})`;
  return undefined;
}

/** Whether `target` is `root` or below it, by their text (both absolute and normalised). */
export function isWithin(target: string, root: string): boolean {
  const relative = path.posix.relative(root, target);
  return relative === "" || (relative !== ".." && !relative.startsWith("../") && !path.posix.isAbsolute(relative));
}

/** Whether git reaches this repository over http(s), where curl's own low-speed limit catches a stall. */
export function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}
