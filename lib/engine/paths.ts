/**
 * File identity inside the engine. A file of the repository being analysed is named by its
 * repository-relative path (`.github/workflows/ci.yml`). A file read from another repository of the
 * organization (a composite action or reusable workflow used as `org/repo/path@ref`) is named
 * `//org/repo@ref/path`, so it can stand in the same file map and spans as the repository's own files
 * without colliding with them, and every place that shows or patches it can tell where it lives.
 */

export interface ForeignPath {
  repo: string;
  ref: string;
  path: string;
}

const FOREIGN_RE = /^\/\/([^/@\s]+\/[^/@\s]+)@([^/\s]+)\/(.+)$/;

/** The engine path of `path` in repository `repo` at `ref`. */
export function foreignPath(repo: string, ref: string, path: string): string {
  return `//${repo}@${ref}/${path.replace(/^\/+/, "")}`;
}

/** The repository, ref and path an engine path names, or null for a file of the analysed repository. */
export function parseForeignPath(p: string): ForeignPath | null {
  const m = FOREIGN_RE.exec(p);
  return m ? { repo: m[1], ref: m[2], path: m[3] } : null;
}

/** How a path is shown to people: `org/repo@ref:path` for another repository's file. */
export function displayPath(p: string): string {
  const f = parseForeignPath(p);
  return f ? `${f.repo}@${f.ref}:${f.path}` : p;
}

/** The path inside its own repository (what a patch for that repository names). */
export function ownPath(p: string): string {
  return parseForeignPath(p)?.path ?? p;
}

/** The repository's cacheguard configuration (ignores, disabled rules): see ignores.ts. */
export const CONFIG_PATH = ".github/cacheguard.yml";
