import "server-only";
import { BUILTIN_TEMPLATES } from "../../templates";
import type { Db } from "../db/client";
import { templates, templateVersionPresets, templateVersions } from "../db/schema";
import { eq } from "drizzle-orm";

/**
 * Inserts each built-in template that is missing, as version 1 of an ordinary template with its
 * presets, at every start. One that exists is never touched again: owners edit (new versions) or
 * archive built-ins like any other template, and a restart keeps what they did.
 */
export async function seedTemplates(db: Db, organizationId: string): Promise<void> {
  await db.transaction(async (tx) => {
    for (const def of BUILTIN_TEMPLATES) {
      const [template] = await tx
        .insert(templates)
        .values({ organizationId, name: def.name, displayName: def.displayName, description: def.description, icon: def.icon })
        .onConflictDoNothing({ target: [templates.organizationId, templates.name] })
        .returning();
      if (!template) continue;
      const [version] = await tx.insert(templateVersions).values({ templateId: template.id, number: 1, name: "v1", config: def.config }).returning();
      await tx.update(templates).set({ activeVersionId: version.id }).where(eq(templates.id, template.id));
      if (def.presets.length) await tx.insert(templateVersionPresets).values(def.presets.map((preset) => ({ templateVersionId: version.id, ...preset })));
    }
  });
}
