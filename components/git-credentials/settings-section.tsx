import { ArrowLeft } from "lucide-react";
import Link from "next/link";
import { useEffect, type ReactNode } from "react";

/** One titled section of the settings page. */
export function SettingsSection({ id, title, description, children }: { id: string; title: string; description: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="rounded-xl border border-zinc-200 bg-white p-4 sm:p-5 dark:border-zinc-800 dark:bg-zinc-900">
      <h2 id={id} className="text-base font-semibold">
        {title}
      </h2>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{description}</p>
      <div className="mt-4">{children}</div>
    </section>
  );
}

/** The top of a settings sub-page: the way back to Settings, its title (the tab's too) and what it is for. */
export function SettingsPageHeader({ title, children }: { title: string; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Taskyard`;
  }, [title]);
  return (
    <div>
      <Link href="/settings" className="inline-flex items-center gap-1 text-sm text-zinc-600 underline-offset-2 hover:underline dark:text-zinc-400">
        <ArrowLeft aria-hidden className="size-3.5" />
        Settings
      </Link>
      <h1 className="mt-1 text-xl font-semibold">{title}</h1>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{children}</p>
    </div>
  );
}
