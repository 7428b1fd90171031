import "server-only";
import { eq, sql } from "drizzle-orm";
import { BUILTIN_TEMPLATES } from "../../templates";
import type { Db } from "../db/client";
import { templates, templateVersionPresets, templateVersions } from "../db/schema";

/** Upserts the built-in templates, their current version and presets; idempotent. */
export async function seedTemplates(db: Db, organizationId: string): Promise<void> {
  await db.transaction(async (tx) => {
    for (const def of BUILTIN_TEMPLATES) {
      const [template] = await tx
        .insert(templates)
        .values({ organizationId, name: def.name, displayName: def.displayName, description: def.description, icon: def.icon })
        .onConflictDoUpdate({
          target: [templates.organizationId, templates.name],
          set: { displayName: def.displayName, description: def.description, icon: def.icon, updatedAt: sql`now()` },
        })
        .returning();
      const [version] = await tx
        .insert(templateVersions)
        .values({ templateId: template.id, name: def.version, config: def.config })
        .onConflictDoUpdate({ target: [templateVersions.templateId, templateVersions.name], set: { config: def.config } })
        .returning();
      await tx.update(templates).set({ activeVersionId: version.id }).where(eq(templates.id, template.id));
      for (const preset of def.presets) {
        await tx
          .insert(templateVersionPresets)
          .values({ templateVersionId: version.id, ...preset })
          .onConflictDoUpdate({
            target: [templateVersionPresets.templateVersionId, templateVersionPresets.name],
            set: { parameters: preset.parameters, isDefault: preset.isDefault, description: preset.description },
          });
      }
    }
  });
}
