"use client";

import { Check, Copy, ImageIcon } from "lucide-react";
import { createContext, memo, useContext, useRef, useState } from "react";
import ReactMarkdown, { type Components, type Options } from "react-markdown";
import { TOOL_LINE } from "@/lib/agent/tool-line";
import { safeLink } from "./task-status";
import { ToolCallLine } from "./tool-call";


type MdNode = {
  type: string;
  value?: string;
  children?: MdNode[];
  position?: { start: { offset?: number }; end: { offset?: number } };
  data?: { hProperties?: Record<string, unknown> };
};

/**
 * Marks top-level tool-call paragraphs and keeps their source text as is (`*.ts` is no emphasis),
 * numbered in order: the n-th tool line of a message is its n-th tool call.
 */
function remarkToolCalls() {
  return (tree: MdNode, file: { value: unknown }) => {
    const source = String(file.value);
    let index = 0;
    for (const node of tree.children ?? []) {
      if (node.type !== "paragraph" || node.position?.start.offset === undefined) continue;
      const raw = source.slice(node.position.start.offset, node.position.end.offset);
      if (!TOOL_LINE.test(raw)) continue;
      node.children = [{ type: "text", value: raw }];
      node.data = { hProperties: { dataToolCall: index++ } };
    }
  };
}

const remarkPlugins: Options["remarkPlugins"] = [remarkToolCalls];

/** Links and image sources: web URLs only; anything else (javascript:, data:, relative) is dropped. */
const urlTransform = (url: string) => safeLink(url) ?? "";

/** Set inside a link, so an image there does not become a second, nested link. */
const InLink = createContext(false);

const components: Components = {
  p: ({ node, children }) =>
    node?.properties?.dataToolCall !== undefined ? (
      <ToolCallLine line={String(children)} index={Number(node.properties.dataToolCall)} />
    ) : (
      <p className="whitespace-pre-wrap">{children}</p>
    ),
  a: ({ href, children }) =>
    href ? (
      <InLink.Provider value={true}>
        <a href={href} target="_blank" rel="noreferrer noopener" className="text-blue-700 underline underline-offset-2 hover:text-blue-900 dark:text-blue-400 dark:hover:text-blue-300">
          {children}
        </a>
      </InLink.Provider>
    ) : (
      <span>{children}</span>
    ),
  img: MarkdownImage,
  pre: CodeBlock,
  code: ({ className, children }) => (
    <code className={`rounded bg-zinc-200/80 px-1 py-0.5 font-mono text-[0.85em] dark:bg-zinc-700/70 ${className ?? ""}`}>{children}</code>
  ),
  // Headings stay below the page's own ("Conversation" is an h2).
  h1: ({ children }) => <h3 className="text-base font-semibold">{children}</h3>,
  h2: ({ children }) => <h4 className="text-[15px] font-semibold">{children}</h4>,
  h3: ({ children }) => <h5 className="font-semibold">{children}</h5>,
  h4: ({ children }) => <h6 className="font-semibold">{children}</h6>,
  h5: ({ children }) => <h6 className="font-semibold">{children}</h6>,
  h6: ({ children }) => <h6 className="font-semibold">{children}</h6>,
  ul: ({ children }) => <ul className="list-disc space-y-0.5 pl-5">{children}</ul>,
  ol: ({ children, start }) => (
    <ol start={start} className="list-decimal space-y-0.5 pl-5">
      {children}
    </ol>
  ),
  blockquote: ({ children }) => <blockquote className="border-l-2 border-zinc-300 pl-3 text-zinc-600 dark:border-zinc-600 dark:text-zinc-400">{children}</blockquote>,
  hr: () => <hr className="border-zinc-300 dark:border-zinc-700" />,
};

/**
 * An agent's message as Markdown: no HTML (react-markdown shows it as text), web links only,
 * opening in a new tab, and images as links so nothing is fetched from hosts an agent names.
 */
export const Markdown = memo(function Markdown({ children }: { children: string }) {
  return (
    <div className="flex min-w-0 flex-col gap-2 [&_li>ol]:mt-0.5 [&_li>ul]:mt-0.5">
      <ReactMarkdown remarkPlugins={remarkPlugins} urlTransform={urlTransform} components={components}>
        {children}
      </ReactMarkdown>
    </div>
  );
});

function MarkdownImage({ src, alt }: { src?: unknown; alt?: string }) {
  const inLink = useContext(InLink);
  const label = alt || "image";
  const href = typeof src === "string" && src ? src : undefined;
  const content = (
    <>
      <ImageIcon aria-hidden className="inline size-3.5 align-[-2px]" /> {label}
    </>
  );
  if (!href || inLink) return <span title={href}>{content}</span>;
  return (
    <a href={href} target="_blank" rel="noreferrer noopener" title={href} className="text-blue-700 underline underline-offset-2 dark:text-blue-400">
      {content}
    </a>
  );
}

function CodeBlock({ children, node }: { children?: React.ReactNode; node?: { children?: unknown[] } }) {
  const pre = useRef<HTMLPreElement>(null);
  const [copied, setCopied] = useState(false);
  const code = node?.children?.[0] as { properties?: { className?: unknown } } | undefined;
  const classes = Array.isArray(code?.properties?.className) ? (code.properties.className as string[]) : [];
  const language = classes.find((c) => c.startsWith("language-"))?.slice("language-".length);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText((pre.current?.textContent ?? "").replace(/\n$/, ""));
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // Clipboard refused (no permission or insecure context): the text is still selectable.
    }
  };

  return (
    <div className="min-w-0 overflow-hidden rounded-md border border-zinc-200 bg-white dark:border-zinc-700 dark:bg-zinc-950">
      <div className="flex items-center justify-between gap-2 border-b border-zinc-200 py-0.5 pr-1 pl-3 text-xs text-zinc-500 dark:border-zinc-700 dark:text-zinc-400">
        <span className="truncate font-mono">{language}</span>
        <button
          type="button"
          onClick={copy}
          aria-label={copied ? "Code copied" : "Copy code"}
          className="inline-flex h-6 items-center gap-1 rounded px-1.5 font-medium hover:bg-zinc-100 hover:text-zinc-800 dark:hover:bg-zinc-800 dark:hover:text-zinc-200"
        >
          {copied ? <Check aria-hidden className="size-3.5" /> : <Copy aria-hidden className="size-3.5" />}
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <pre
        ref={pre}
        className="overflow-x-auto px-3 py-2 font-mono text-[13px] leading-relaxed whitespace-pre [&_code]:bg-transparent [&_code]:p-0 [&_code]:text-[1em]"
      >
        {children}
      </pre>
    </div>
  );
}
