import { AuthGate } from "@/components/auth/auth-gate";
import { AppHeader } from "@/components/shell/app-header";
import { TaskEvents } from "@/components/shell/task-events";
import { TabBadge } from "@/components/notifications/tab-badge";
import { TaskNotifications } from "@/components/notifications/task-notifications";

export default function DashboardLayout({ children }: { children: React.ReactNode }) {
  return (
    <AuthGate>
      <TaskEvents />
      <TabBadge />
      <TaskNotifications />
      <AppHeader />
      <main className="mx-auto w-full max-w-6xl px-3 py-5 sm:px-6 sm:py-8">{children}</main>
    </AuthGate>
  );
}
