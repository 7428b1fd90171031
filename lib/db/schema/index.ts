export * from "./agents";
export * from "./api-keys";
export * from "./git-credentials";
export * from "./organizations";
export * from "./tasks";
export * from "./templates";
export * from "./users";
export * from "./workspaces";
