ALTER TABLE "template_versions" ADD COLUMN "number" integer;--> statement-breakpoint
-- Versions made before versions were numbered: 1, 2, … in the order they were made.
UPDATE "template_versions" v SET "number" = n.rn
  FROM (SELECT id, row_number() OVER (PARTITION BY template_id ORDER BY created_at, name) AS rn FROM "template_versions") n
  WHERE v.id = n.id;--> statement-breakpoint
ALTER TABLE "template_versions" ALTER COLUMN "number" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "template_versions" ADD COLUMN "secrets_encrypted" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "template_versions" ADD COLUMN "created_by" uuid;--> statement-breakpoint
ALTER TABLE "templates" ADD COLUMN "archived_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "template_versions" ADD CONSTRAINT "template_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "template_versions_template_number_idx" ON "template_versions" USING btree ("template_id","number");--> statement-breakpoint
-- An insert that does not number its version (a script, an older tool) gets the next number.
-- Taskyard's own inserts number versions themselves, under the template's row lock.
CREATE FUNCTION taskyard_template_version_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.number IS NULL THEN
    SELECT coalesce(max(number), 0) + 1 INTO NEW.number FROM template_versions WHERE template_id = NEW.template_id;
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER template_versions_number BEFORE INSERT ON template_versions
  FOR EACH ROW EXECUTE FUNCTION taskyard_template_version_number();
