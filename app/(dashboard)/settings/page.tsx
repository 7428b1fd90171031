import type { Metadata } from "next";
import { SettingsView } from "@/components/git-credentials/settings-view";

export const metadata: Metadata = { title: "Settings · Taskyard" };

export default function SettingsPage() {
  return <SettingsView />;
}
