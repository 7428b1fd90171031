"use client";

import { ChevronRight } from "lucide-react";
import { memo, useMemo } from "react";
import { Decoration, Diff, Hunk, markEdits, parseDiff, tokenize, type FileData, type HunkData, type HunkTokens } from "react-diff-view";
import { refractor } from "refractor/core";
import bash from "refractor/bash";
import c from "refractor/c";
import cpp from "refractor/cpp";
import csharp from "refractor/csharp";
import css from "refractor/css";
import docker from "refractor/docker";
import go from "refractor/go";
import ini from "refractor/ini";
import java from "refractor/java";
import json from "refractor/json";
import kotlin from "refractor/kotlin";
import makefile from "refractor/makefile";
import markdown from "refractor/markdown";
import markup from "refractor/markup";
import php from "refractor/php";
import python from "refractor/python";
import ruby from "refractor/ruby";
import rust from "refractor/rust";
import scss from "refractor/scss";
import sql from "refractor/sql";
import swift from "refractor/swift";
import toml from "refractor/toml";
import tsx from "refractor/tsx";
import yaml from "refractor/yaml";
import type { ChangedFile, TaskChanges } from "@/lib/sdk/client";
import { ChangeCounts, fileAnchor, FilePath, FileStatusBadge } from "./task-repository";
import "react-diff-view/style/index.css";
import "./task-diff.css";

// The languages people's repositories are mostly made of (tsx brings jsx, typescript and
// javascript along); anything else is shown without syntax colours.
for (const lang of [bash, c, cpp, csharp, css, docker, go, ini, java, json, kotlin, makefile, markdown, markup, php, python, ruby, rust, scss, sql, swift, toml, tsx, yaml]) {
  refractor.register(lang);
}

const BY_EXTENSION: Record<string, string> = {
  js: "javascript", mjs: "javascript", cjs: "javascript", jsx: "jsx", ts: "typescript", mts: "typescript", cts: "typescript", tsx: "tsx",
  json: "json", css: "css", scss: "scss", html: "markup", htm: "markup", xml: "markup", svg: "markup", vue: "markup",
  md: "markdown", markdown: "markdown", py: "python", go: "go", rs: "rust", rb: "ruby", php: "php", java: "java", kt: "kotlin",
  kts: "kotlin", swift: "swift", c: "c", h: "c", cc: "cpp", cpp: "cpp", cxx: "cpp", hpp: "cpp", cs: "csharp", sql: "sql",
  sh: "bash", bash: "bash", zsh: "bash", yml: "yaml", yaml: "yaml", toml: "toml", ini: "ini", cfg: "ini",
};
const BY_NAME: Record<string, string> = { dockerfile: "docker", makefile: "makefile", gnumakefile: "makefile" };

function languageOf(path: string): string | undefined {
  const name = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  const lang = BY_NAME[name] ?? BY_EXTENSION[name.slice(name.lastIndexOf(".") + 1)];
  return lang && refractor.registered(lang) ? lang : undefined;
}

/** react-diff-view speaks refractor 3's `highlight` (a list of nodes); refractor 5 returns a root. */
const highlighter = { highlight: (text: string, language: string) => refractor.highlight(text, language).children };

/** Past this much changed text a file is shown without syntax colours, which would cost seconds. */
const HIGHLIGHT_MAX_CHARS = 200_000;

function tokensOf(hunks: HunkData[], path: string): HunkTokens | undefined {
  const size = hunks.reduce((n, h) => n + h.changes.reduce((m, ch) => m + ch.content.length, 0), 0);
  const language = size <= HIGHLIGHT_MAX_CHARS ? languageOf(path) : undefined;
  const enhancers = [markEdits(hunks, { type: "block" })];
  try {
    return language ? tokenize(hunks, { highlight: true, refractor: highlighter, language, enhancers }) : tokenize(hunks, { enhancers });
  } catch {
    return undefined; // plain lines rather than no diff
  }
}

/** The parsed diff of each listed file, by its path (a deleted file's diff is under its old path). */
function diffsByPath(diff: string): Map<string, FileData> | undefined {
  try {
    return new Map(parseDiff(diff, { nearbySequences: "zip" }).map((f) => [f.type === "delete" ? f.oldPath : f.newPath, f]));
  } catch {
    return undefined;
  }
}

type Props = { changes: TaskChanges; collapsed: ReadonlySet<string>; onToggle: (path: string) => void; anchorPrefix: string };

/** Every changed file with its diff (react-diff-view), each folding away under its header. */
export function TaskDiff({ changes, collapsed, onToggle, anchorPrefix }: Props) {
  const parsed = useMemo(() => diffsByPath(changes.diff), [changes.diff]);
  if (!parsed) {
    // A diff the parser cannot read is still worth reading.
    return (
      <div className="flex flex-col gap-2">
        <p className="text-sm text-zinc-500 dark:text-zinc-400">This diff could not be laid out by file; here it is as git wrote it.</p>
        <pre data-testid="raw-diff" className="overflow-x-auto rounded-lg border border-zinc-200 p-3 font-mono text-xs dark:border-zinc-800">
          {changes.diff}
        </pre>
      </div>
    );
  }
  return (
    <ol aria-label="Diff" className="flex flex-col gap-3">
      {changes.files.map((file, i) => (
        <FileDiff
          key={file.path}
          file={file}
          data={parsed.get(file.path)}
          truncated={changes.truncated}
          collapsed={collapsed.has(file.path)}
          onToggle={onToggle}
          anchor={fileAnchor(anchorPrefix, i)}
        />
      ))}
    </ol>
  );
}

type FileDiffProps = { file: ChangedFile; data: FileData | undefined; truncated: boolean; collapsed: boolean; onToggle: (path: string) => void; anchor: string };

const FileDiff = memo(function FileDiff({ file, data, truncated, collapsed, onToggle, anchor }: FileDiffProps) {
  const bodyId = `${anchor}-body`;
  return (
    <li id={anchor} data-testid="diff-file" data-path={file.path} className="scroll-mt-4 overflow-hidden rounded-lg border border-zinc-200 dark:border-zinc-800">
      <h3 className="bg-zinc-50 text-sm dark:bg-zinc-800/50">
        <button
          type="button"
          aria-expanded={!collapsed}
          aria-controls={bodyId}
          onClick={() => onToggle(file.path)}
          className="flex w-full min-w-0 items-center gap-2 px-3 py-2 text-left hover:bg-zinc-100 dark:hover:bg-zinc-800"
        >
          <ChevronRight aria-hidden className={`size-4 shrink-0 text-zinc-500 transition-transform motion-reduce:transition-none ${collapsed ? "" : "rotate-90"}`} />
          <FileStatusBadge status={file.status} />
          <FilePath file={file} className="text-[13px]" />
          <ChangeCounts additions={file.additions} deletions={file.deletions} className="ml-auto shrink-0 text-xs" />
        </button>
      </h3>
      {!collapsed && (
        <div id={bodyId} className="border-t border-zinc-200 dark:border-zinc-800">
          {data && data.hunks.length > 0 ? (
            <FileHunks data={data} path={file.path} />
          ) : (
            <p className="px-3 py-2 text-xs text-zinc-500 dark:text-zinc-400">{emptyReason(file, data, truncated)}</p>
          )}
        </div>
      )}
    </li>
  );
});

function emptyReason(file: ChangedFile, data: FileData | undefined, truncated: boolean): string {
  if (!data) return truncated ? "Past the 1 MiB cut: no diff shown for this file." : "No diff shown for this file.";
  if (file.status === "renamed" && file.additions === 0 && file.deletions === 0) return "Renamed without changes.";
  return "Binary file, or only its mode changed: no lines to show.";
}

function FileHunks({ data, path }: { data: FileData; path: string }) {
  const tokens = useMemo(() => tokensOf(data.hunks, path), [data.hunks, path]);
  return (
    <div className="task-diff overflow-x-auto text-xs">
      <Diff viewType="unified" diffType={data.type} hunks={data.hunks} tokens={tokens}>
        {(hunks) =>
          hunks.flatMap((hunk) => [
            <Decoration key={`decoration-${hunk.content}`}>
              <span className="block px-3 py-0.5 text-zinc-500 dark:text-zinc-400">{hunk.content}</span>
            </Decoration>,
            <Hunk key={`hunk-${hunk.content}`} hunk={hunk} />,
          ])
        }
      </Diff>
    </div>
  );
}
