import { z } from "zod";

export const USAGE_GROUPS = ["user", "template", "model", "day"] as const;

const day = () =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date (YYYY-MM-DD)")
    .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), "must be a real date");

/** `GET /api/v2/usage?group_by=&from=&to=`: `from` and `to` are UTC days, both included. */
export const usageQuery = z
  .object({
    group_by: z.enum(USAGE_GROUPS, { message: "must be user, template, model or day" }).default("day"),
    from: day().optional(),
    to: day().optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "must not be after to", path: ["from"] });
export type UsageQuery = z.output<typeof usageQuery>;
