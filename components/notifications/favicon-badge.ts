/**
 * The app's icon without a badge. The tab badge links it once the dashboard runs, not the root
 * layout's metadata: with a `<link rel=icon>` in the server's HTML, e2e/task-list.spec.ts's timing
 * tests (a list change within 1 s of the page showing, the loading skeleton) failed every time on
 * this machine, and pass without it (why, not pinned down).
 */
export const FAVICON = "/favicon.svg";

/**
 * The favicon with the count drawn on it: the same gradient square as public/favicon.svg, and a red
 * disc with the number in its corner. Drawn, not loaded, so it is there at once.
 */
export function drawBadgedFavicon(count: number): string {
  const size = 64;
  const canvas = document.createElement("canvas");
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext("2d");
  if (!ctx) return FAVICON;
  const gradient = ctx.createLinearGradient(0, 0, size, size);
  gradient.addColorStop(0, "#3f3f46");
  gradient.addColorStop(1, "#09090b");
  ctx.fillStyle = gradient;
  ctx.beginPath();
  ctx.roundRect(4, 4, 56, 56, 14);
  ctx.fill();

  const label = count > 9 ? "9+" : String(count);
  ctx.fillStyle = "#dc2626";
  ctx.beginPath();
  ctx.arc(42, 22, 22, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = "#ffffff";
  ctx.font = `bold ${label.length > 1 ? 26 : 32}px system-ui, sans-serif`;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText(label, 42, 24);
  return canvas.toDataURL("image/png");
}

/** Points the page's icon link at `href`, adding one the first time. */
export function setFavicon(href: string) {
  const links = document.querySelectorAll<HTMLLinkElement>('link[rel~="icon"]');
  if (links.length === 0) {
    const link = document.createElement("link");
    link.rel = "icon";
    link.href = href;
    document.head.appendChild(link);
    return;
  }
  links.forEach((link) => {
    if (link.getAttribute("href") !== href) link.href = href;
  });
}
