import type { PermissionOption, RequestPermissionOutcome } from "@agentclientprotocol/sdk";

/**
 * How an ACP agent's permission requests are answered: a template's `permission_policy`. Nobody
 * watches a task to click "Allow", and the sandbox, not the agent's own prompts, is the boundary,
 * so the default allows each request once; "deny" refuses them (an agent that must not change
 * anything, say).
 */
export type PermissionPolicy = "allow" | "deny";

/**
 * The answer to one request under the policy: the option of the kind it means, once rather than
 * always (the policy answers every time anyway); "cancelled" when the agent offered no such option.
 */
export function permissionOutcome(options: PermissionOption[], policy: PermissionPolicy): RequestPermissionOutcome {
  const preferred = policy === "allow" ? (["allow_once", "allow_always"] as const) : (["reject_once", "reject_always"] as const);
  for (const kind of preferred) {
    const option = options.find((o) => o.kind === kind);
    if (option) return { outcome: "selected", optionId: option.optionId };
  }
  return { outcome: "cancelled" };
}
