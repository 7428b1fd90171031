CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigserial NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"task_event_id" bigint,
	"event" text NOT NULL,
	"task_id" uuid,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"body" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"response_status" integer,
	"last_error" text,
	"latency_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"url" text NOT NULL,
	"events" text[] NOT NULL,
	"format" text DEFAULT 'json' NOT NULL,
	"all_tasks" boolean DEFAULT false NOT NULL,
	"secret_encrypted" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"disabled_reason" text,
	"failing_since" timestamp with time zone,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_task_event_id_task_events_id_fk" FOREIGN KEY ("task_event_id") REFERENCES "public"."task_events"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_pending_idx" ON "webhook_deliveries" USING btree ("endpoint_id","seq") WHERE "webhook_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint_idx" ON "webhook_deliveries" USING btree ("endpoint_id","created_at");--> statement-breakpoint
CREATE INDEX "webhook_endpoints_user_idx" ON "webhook_endpoints" USING btree ("user_id","created_at");--> statement-breakpoint
-- Webhook fan-out (lib/db/schema/webhooks.ts): each task event becomes one delivery per enabled
-- endpoint that wants its type and may see the task (its owner's, or every task for an owner or
-- admin's `all_tasks` endpoint), in the transaction of the change; the dispatcher is woken at commit.
CREATE FUNCTION taskyard_webhook_fanout() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  fanned integer;
BEGIN
  INSERT INTO webhook_deliveries (endpoint_id, task_event_id, event, task_id, occurred_at)
    SELECT e.id, NEW.id, NEW.type, NEW.task_id, NEW.occurred_at FROM webhook_endpoints e
    WHERE e.enabled AND NEW.type = ANY (e.events)
      AND (e.user_id = NEW.owner_id
        OR (e.all_tasks AND EXISTS (SELECT 1 FROM users u WHERE u.id = e.user_id AND u.role IN ('owner', 'admin'))));
  GET DIAGNOSTICS fanned = ROW_COUNT;
  IF fanned > 0 THEN
    PERFORM pg_notify('webhook_deliveries', '');
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER task_events_webhooks AFTER INSERT ON task_events FOR EACH ROW EXECUTE FUNCTION taskyard_webhook_fanout();
