/**
 * Every file extraction reads beyond the workflow itself goes through `lookupFile`. A lookup that
 * misses is recorded as wanted, so the discovery loop (lib/engine/discover.ts) reads exactly the files
 * extraction asks for and extracts again: discovery agrees with extraction by construction.
 */
import { displayPath, foreignPath, parseForeignPath } from "../paths";
import type { FileWant, InputFile, Span } from "../types";
import type { RepoState } from "./model";

/** The key a want is known by: its engine path. */
export function wantKey(w: FileWant): string {
  return w.repo ? foreignPath(w.repo, w.ref ?? "HEAD", w.path) : w.path;
}

function wantOf(enginePath: string, optional: boolean): FileWant {
  const f = parseForeignPath(enginePath);
  const base: FileWant = f ? { repo: f.repo, ref: f.ref, path: f.path } : { path: enginePath };
  return optional ? { ...base, optional } : base;
}

/** Give a warning once per repository (a missing script named by several steps is one warning). */
export function warnRepoOnce(rs: RepoState, key: string, path: string, message: string, at?: Span): void {
  if (rs.said.has(key)) return;
  rs.said.add(key);
  rs.warnings.push({ path, message, ...(at ? { line: at.line, column: at.column } : {}) });
}

export interface Lookup {
  /** the file, when it was given */
  file?: InputFile;
  /** true once the file is known not to exist (or not to be readable) */
  missing: boolean;
  /** why it could not be read, when it exists but was not readable */
  reason?: string;
}

/**
 * Look a file up by engine path. `what` names it for the warning a missing, non-optional file gives
 * (`script`, `composite action`), `at` is where it is named.
 */
export function lookupFile(
  rs: RepoState,
  enginePath: string,
  opts: { optional?: boolean; what?: string; from?: string; at?: Span } = {},
): Lookup {
  const file = rs.files.get(enginePath);
  if (file) return { file, missing: false };
  // a path computed at run time (`cwd://${{ steps.meta.outputs.bake-file }}`) names no file to read
  if (enginePath.includes("${{")) return { missing: true, reason: "only known at run time" };
  const reason = rs.missing.get(enginePath);
  if (reason !== undefined) {
    if (!opts.optional && opts.what && opts.from) {
      const why = reason === "" ? "does not exist" : `could not be read (${reason})`;
      warnRepoOnce(rs, `missing:${enginePath}`, opts.from, `${opts.what} ${displayPath(enginePath)} ${why}; what it runs was not analysed`, opts.at);
    }
    return { missing: true, ...(reason ? { reason } : {}) };
  }
  if (!rs.wanted.has(enginePath)) rs.wanted.set(enginePath, wantOf(enginePath, opts.optional === true));
  return { missing: false };
}
