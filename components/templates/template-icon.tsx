/* eslint-disable @next/next/no-img-element -- tiny SVGs served by this app; next/image adds nothing here. */

export function TemplateIcon({ src, name, size = 32 }: { src: string; name: string; size?: number }) {
  if (!src) {
    return (
      <span
        role="img"
        aria-label={name}
        style={{ width: size, height: size }}
        className="inline-flex shrink-0 items-center justify-center rounded-md bg-zinc-200 text-xs font-semibold text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300"
      >
        {name.slice(0, 1).toUpperCase()}
      </span>
    );
  }
  return <img src={src} alt={name} width={size} height={size} className="shrink-0 rounded-md" style={{ width: size, height: size }} />;
}
