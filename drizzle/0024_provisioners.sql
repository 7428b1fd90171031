CREATE TABLE "provisioner_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"tags" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"hashed_secret" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "provisioner_keys_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "provisioners" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key_id" uuid,
	"host" text NOT NULL,
	"tags" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"version" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "provisioners_key_host_key" UNIQUE NULLS NOT DISTINCT("key_id","host")
);
--> statement-breakpoint
ALTER TABLE "workspace_builds" ADD COLUMN "waiting_for" jsonb;--> statement-breakpoint
ALTER TABLE "provisioner_keys" ADD CONSTRAINT "provisioner_keys_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioners" ADD CONSTRAINT "provisioners_key_id_provisioner_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."provisioner_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "provisioners_host_idx" ON "provisioners" USING btree ("host","last_seen_at");--> statement-breakpoint
-- The waiting message appears and goes without a job_status change: tell the task's listeners too (0005).
CREATE TRIGGER workspace_builds_waiting_notify AFTER UPDATE OF waiting_for ON workspace_builds FOR EACH ROW
  WHEN (OLD.waiting_for IS DISTINCT FROM NEW.waiting_for) EXECUTE FUNCTION taskyard_workspace_child_changed();
