ALTER TABLE "workspace_agents" ADD COLUMN "host" text;--> statement-breakpoint
CREATE INDEX "workspace_agents_build_idx" ON "workspace_agents" USING btree ("build_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "workspace_agents_token_idx" ON "workspace_agents" USING btree ("auth_token_hash");