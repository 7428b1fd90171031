import type { Metadata } from "next";
import { WebhooksView } from "@/components/webhooks/webhooks-view";

export const metadata: Metadata = { title: "Webhooks · Taskyard" };

export default function WebhooksPage() {
  return <WebhooksView />;
}
