ALTER TABLE "template_versions" ADD COLUMN "number" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "template_versions" ADD COLUMN "secrets_encrypted" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "template_versions" ADD COLUMN "created_by" uuid;--> statement-breakpoint
ALTER TABLE "templates" ADD COLUMN "archived_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "template_versions" ADD CONSTRAINT "template_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- Versions made before versions were numbered: v1, v2, … in the order they were made.
UPDATE "template_versions" v SET "number" = n.rn
  FROM (SELECT id, row_number() OVER (PARTITION BY template_id ORDER BY created_at, name) AS rn FROM "template_versions") n
  WHERE v.id = n.id;--> statement-breakpoint
CREATE UNIQUE INDEX "template_versions_template_number_idx" ON "template_versions" USING btree ("template_id","number");