import { describe, expect, it } from "vitest";
import { hasCredentials, isWithin, localRepositoryPath, localRepositoryProblem, withoutCredentials } from "./repo-url";

describe("repository URL policy", () => {
  it("finds credentials: any userinfo over http(s), a password elsewhere; an ssh account alone is no secret", () => {
    for (const url of [
      "https://user:token@github.com/acme/app.git",
      "https://ghp_abc123@github.com/acme/app.git",
      "HTTP://x-access-token:t@host/r",
      "https://u:p@ss@host/r",
      "ssh://user:pass@host/r.git",
      "git://u:p@host/r",
    ]) {
      expect(hasCredentials(url), url).toBe(true);
    }
    for (const url of [
      "https://github.com/acme/app.git",
      "https://host/path@with-at",
      "ssh://git@host/org/repo.git",
      "ssh://git@host:22/org/repo.git",
      "git@github.com:org/repo.git",
      "git://host/r",
      "/srv/repos/app.git",
      "file:///srv/repos/app.git",
    ]) {
      expect(hasCredentials(url), url).toBe(false);
    }
  });

  it("takes them out the same way (what the migration does in SQL)", () => {
    expect(withoutCredentials("https://user:token@github.com/acme/app.git")).toBe("https://github.com/acme/app.git");
    expect(withoutCredentials("https://ghp_abc@github.com/r")).toBe("https://github.com/r");
    expect(withoutCredentials("https://u:p@ss@host/r")).toBe("https://host/r");
    expect(withoutCredentials("ssh://git:pw@host:22/r")).toBe("ssh://git@host:22/r");
    expect(withoutCredentials("ssh://git@host/r")).toBe("ssh://git@host/r");
    expect(withoutCredentials("git@host:org/r.git")).toBe("git@host:org/r.git");
  });

  it("reads a local path as written: a file URL is the path itself, nothing to decode", () => {
    expect(localRepositoryPath("/srv/r.git")).toBe("/srv/r.git");
    expect(localRepositoryPath("file:///srv/r.git")).toBe("/srv/r.git");
    expect(localRepositoryPath("https://host/r")).toBeUndefined();
    for (const bad of ["file://host/srv/r", "file:///srv/%2e%2e/r", "file:///srv/r?x", "file:///srv/r#x"]) expect(() => localRepositoryPath(bad), bad).toThrow();
  });

  it("allows a local path only inside an allowed root, by its text", () => {
    expect(localRepositoryProblem("/srv/repos/a.git", [])).toMatch(/not enabled/);
    expect(localRepositoryProblem("/srv/repos/a.git", ["/srv/repos"])).toBeUndefined();
    expect(localRepositoryProblem("/srv/repos", ["/srv/repos"])).toBeUndefined();
    expect(localRepositoryProblem("/srv/repos-other/a.git", ["/srv/repos"])).toMatch(/outside/);
    expect(localRepositoryProblem("/srv/repos/../secret/a.git", ["/srv/repos"])).toMatch(/\.\./);
    expect(localRepositoryProblem("/srv/repos/./a.git", ["/srv/repos"])).toMatch(/\.\./);
    expect(localRepositoryProblem("/etc/a.git", ["/srv/repos", "/etc"])).toBeUndefined();
    expect(isWithin("/a/..b", "/a")).toBe(true);
    expect(isWithin("/ab", "/a")).toBe(false);
  });
});
