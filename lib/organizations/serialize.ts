import type { z } from "zod";
import type { Organization } from "../db/schema";
import type { organizationResponse } from "../validation/responses";

export function toOrganizationResponse(o: Organization): z.output<typeof organizationResponse> {
  return { id: o.id, name: o.name, display_name: o.displayName, is_default: o.isDefault, created_at: o.createdAt.toISOString() };
}
