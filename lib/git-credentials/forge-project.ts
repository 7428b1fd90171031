import { ApiError } from "../api/errors";

/** A path segment GitHub or GitLab allows in an owner, group or repository name (and never `.`/`..`). */
const SEGMENT = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/;

/**
 * Where a repository URL points: its host name (lower case, no port) and its path, for
 * `scheme://[user@]host[:port]/path` and scp-like `user@host:path`; undefined for anything else.
 */
export function repositoryLocation(repoUrl: string): { hostname: string; path: string } | undefined {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(repoUrl);
  if (scheme) {
    let url: URL;
    try {
      url = new URL(repoUrl);
    } catch {
      return undefined;
    }
    if (url.search || url.hash || !url.hostname) return undefined;
    return { hostname: url.hostname.toLowerCase(), path: decodeURIComponent(url.pathname) };
  }
  const scp = /^(?:[^@/:]+@)?([^@/:]+):(?!\/\/)([^?#]*)$/.exec(repoUrl);
  return scp ? { hostname: scp[1].toLowerCase(), path: scp[2] } : undefined;
}

/**
 * The forge project a repository URL names: GitHub "owner/repo", GitLab "group/sub/project"
 * (".git" and trailing slashes stripped); ApiError 409 if the URL's path cannot be one.
 */
export function forgeProject(kind: "github" | "gitlab", repoUrl: string): string {
  const location = repositoryLocation(repoUrl);
  const path = location?.path.replace(/^\/+/, "").replace(/\/+$/, "").replace(/\.git$/, "").replace(/\/+$/, "");
  const segments = path ? path.split("/") : [];
  const fits = kind === "github" ? segments.length === 2 : segments.length >= 2;
  if (!fits || !segments.every((s) => SEGMENT.test(s) && s !== "." && s !== "..")) {
    const shape = kind === "github" ? "https://host/owner/repository" : "https://host/group[/subgroup…]/project";
    throw ApiError.conflict(`The repository URL does not name a ${kind === "github" ? "GitHub" : "GitLab"} project.`, `expected ${shape}(.git), got a path that cannot be one`);
  }
  return segments.join("/");
}
