import { displayPath } from "@/lib/engine/paths";
import clsx from "clsx";
import type { ReactNode } from "react";

/** Light YAML colouring (keys, comments): enough to read a workflow, no highlighter dependency. */
function colorize(line: string): ReactNode {
  const comment = line.match(/^(.*?)(\s#.*)$/);
  const body = comment ? comment[1] : line;
  const key = body.match(/^(\s*(?:-\s+)?)([A-Za-z0-9_.${}\- ]+?)(:)(\s|$)(.*)$/);
  const main = key ? (
    <>
      {key[1]}
      <span className="text-sky-700 dark:text-sky-300">{key[2]}</span>
      {key[3]}
      {key[4]}
      {key[5]}
    </>
  ) : (
    body
  );
  return (
    <>
      {main}
      {comment && <span className="text-zinc-500 italic">{comment[2]}</span>}
    </>
  );
}

export interface CodeViewProps {
  path: string;
  text: string;
  /** 1-based lines to highlight (the offending line first) */
  highlight: number[];
  /** lines of context above and below the highlighted range */
  context?: number;
}

/** A window of a source file around the highlighted lines, with line numbers. */
export function CodeView({ path, text, highlight, context = 6 }: CodeViewProps) {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  const focus = highlight[0] ?? 1;
  const near = highlight.filter((l) => Math.abs(l - focus) <= 30);
  const first = Math.max(1, Math.min(...near, focus) - context);
  const last = Math.min(lines.length, Math.max(...near, focus) + context);
  const marked = new Set(highlight);
  return (
    <figure className="overflow-hidden rounded-md border border-zinc-200 dark:border-zinc-800">
      <figcaption className="flex h-8 items-center border-b border-zinc-200 bg-zinc-50 px-3 font-mono text-xs text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400">
        {displayPath(path)}
      </figcaption>
      <pre className="overflow-x-auto bg-white py-2 text-[13px] leading-6 dark:bg-zinc-950">
        <code>
          {lines.slice(first - 1, last).map((l, i) => {
            const n = first + i;
            const hit = marked.has(n);
            return (
              <span
                key={n}
                data-line={n}
                data-highlighted={hit ? (n === focus ? "primary" : "related") : undefined}
                className={clsx(
                  "flex min-w-max pr-4",
                  hit && n === focus && "border-l-4 border-red-500 bg-red-100/80 dark:bg-red-500/20",
                  hit && n !== focus && "border-l-4 border-amber-400 bg-amber-50 dark:bg-amber-500/10",
                  !hit && "border-l-4 border-transparent",
                )}
              >
                <span aria-hidden className="w-12 shrink-0 select-none pr-3 text-right text-zinc-400 dark:text-zinc-600">
                  {n}
                </span>
                {hit && <span className="sr-only">{n === focus ? "Offending line " : "Related line "}{n}: </span>}
                <span className="whitespace-pre">{colorize(l)}</span>
              </span>
            );
          })}
        </code>
      </pre>
    </figure>
  );
}
