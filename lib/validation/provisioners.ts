import { z } from "zod";

/**
 * Provisioner tags route builds (README "Provisioners and keys"): a template version may require
 * some (`provisioner_tags`), a provisioner key may pin some, a daemon may ask for some. One shape
 * for all three, bounded: tags are compared at every claim.
 */
export const TAG_KEY = /^[a-z0-9][a-z0-9_.-]*$/;
export const TAG_VALUE = /^[A-Za-z0-9_.:/-]+$/;
export const MAX_TAGS = 16;

function tagProblem(key: string, value: unknown): string | null {
  if (key.length > 64) return "a tag name is at most 64 characters";
  if (!TAG_KEY.test(key)) return "tag names are lower-case letters, digits, _, . and - (e.g. region, gpu)";
  if (typeof value !== "string") return "a tag value is a string";
  if (value.length === 0 || value.length > 128) return "a tag value is 1 to 128 characters";
  if (!TAG_VALUE.test(value)) return "tag values are letters, digits, _, ., :, / and - (e.g. eu, true)";
  return null;
}

export const provisionerTags = () =>
  z
    .record(z.string(), z.string())
    .refine((tags) => Object.keys(tags).length <= MAX_TAGS, `at most ${MAX_TAGS} tags`)
    .superRefine((tags, ctx) => {
      for (const [key, value] of Object.entries(tags)) {
        const problem = tagProblem(key, value);
        if (problem) ctx.addIssue({ code: "custom", path: [key], message: problem });
      }
    });

export type ProvisionerTags = Record<string, string>;

/** A key's name: like a template's (lower-case letters, digits, single dashes), unique on the server. */
export const provisionerKeyName = () =>
  z
    .string()
    .min(1, "name is required")
    .max(32, "name is at most 32 characters")
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "lower case letters, digits and single dashes (e.g. eu-gpu)");

/** `POST /api/v2/provisioner-keys`. */
export const createProvisionerKeyRequest = z.object({ name: provisionerKeyName(), tags: provisionerTags().optional() }).strict();
export type CreateProvisionerKeyRequest = z.infer<typeof createProvisionerKeyRequest>;

/** `k=v,k=v` (TASKYARD_PROVISIONER_TAGS) or repeated `--tag k=v` → tags; null with the reason when malformed. */
export function parseTagList(items: string[]): { tags: ProvisionerTags } | { error: string } {
  const tags: ProvisionerTags = {};
  for (const item of items.flatMap((i) => i.split(",")).map((i) => i.trim()).filter(Boolean)) {
    const eq = item.indexOf("=");
    if (eq <= 0) return { error: `"${item}" is not k=v` };
    tags[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  const parsed = provisionerTags().safeParse(tags);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: `${issue.path.length ? `${String(issue.path[0])}: ` : ""}${issue.message}` };
  }
  return { tags: parsed.data };
}

/** `region=eu,gpu=true`, keys in order: how tags read everywhere (the CLI, the page, the waiting message). */
export function renderTags(tags: ProvisionerTags): string {
  return Object.keys(tags)
    .sort()
    .map((k) => `${k}=${tags[k]}`)
    .join(",");
}
