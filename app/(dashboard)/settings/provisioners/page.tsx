import type { Metadata } from "next";
import { ProvisionersView } from "@/components/provisioners/provisioners-view";

export const metadata: Metadata = { title: "Provisioners · Taskyard" };

export default function ProvisionersPage() {
  return <ProvisionersView />;
}
