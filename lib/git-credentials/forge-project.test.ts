import { describe, expect, it } from "vitest";
import { ApiError } from "../api/errors";
import { forgeProject, repositoryLocation } from "./forge-project";

describe("forgeProject", () => {
  it.each([
    ["github", "https://github.com/acme/widgets", "acme/widgets"],
    ["github", "https://github.com/acme/widgets.git", "acme/widgets"],
    ["github", "https://github.com/acme/widgets.git/", "acme/widgets"],
    ["github", "https://github.com/acme/widgets//", "acme/widgets"],
    ["github", "https://ghe.example.com:8443/acme/my.repo.git", "acme/my.repo"],
    ["github", "ssh://git@github.com/acme/widgets.git", "acme/widgets"],
    ["github", "git@github.com:acme/widgets.git", "acme/widgets"],
    ["gitlab", "https://gitlab.com/acme/widgets.git", "acme/widgets"],
    ["gitlab", "https://gitlab.com/acme/platform/tools/widgets.git", "acme/platform/tools/widgets"],
    ["gitlab", "https://gitlab.example.com:8443/acme/platform/widgets", "acme/platform/widgets"],
    ["gitlab", "git@gitlab.example.com:acme/platform/widgets.git", "acme/platform/widgets"],
  ] as const)("%s %s → %s", (kind, url, project) => {
    expect(forgeProject(kind, url)).toBe(project);
  });

  it.each([
    ["github", "https://github.com/acme"],
    ["github", "https://github.com/acme/platform/widgets"],
    ["github", "https://github.com/"],
    ["github", "https://github.com/acme/widgets?tab=code"],
    ["github", "https://github.com/acme/widgets#readme"],
    ["github", "https://github.com/acme/../widgets"],
    ["gitlab", "https://gitlab.com/acme"],
    ["gitlab", "https://gitlab.com/acme/widgets/-/tree/main"],
    ["gitlab", "https://gitlab.com/acme/wid%20gets"],
    ["gitlab", "/srv/repos/widgets"],
    ["gitlab", "file:///srv/repos/acme/widgets"],
    ["gitlab", "not a url"],
  ] as const)("%s %s is a 409", (kind, url) => {
    let error: unknown;
    try {
      forgeProject(kind, url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(409);
  });
});

describe("repositoryLocation", () => {
  it("gives the host name without port or user, lower case", () => {
    expect(repositoryLocation("https://Git.Example.com:8443/a/b.git")).toEqual({ hostname: "git.example.com", path: "/a/b.git" });
    expect(repositoryLocation("git@github.com:a/b.git")).toEqual({ hostname: "github.com", path: "a/b.git" });
    expect(repositoryLocation("/srv/a/b")).toBeUndefined();
  });
});
