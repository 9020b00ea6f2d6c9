/**
 * A repository's build map: which build pushes which tag, exports and imports which cache, and who
 * pulls which ref. The scan stores it with the repository from its own analysis (Repo.buildMap), so
 * the repo page and the package pages read it instead of analysing stored files on every view.
 */
import { normalizeImageRef } from "@/lib/engine/refs";
import type { RepoModel } from "@/lib/engine/types";

export function canonicalRef(text: string): string {
  try {
    return normalizeImageRef(text)?.canonical ?? text;
  } catch {
    return text;
  }
}

export interface BuildMapEntry {
  id: string;
  source: string;
  path: string;
  line: number;
  job: string;
  stepName: string | null;
  bakeTarget: string | null;
  push: boolean | null;
  tags: Array<{ ref: string; line: number }>;
  cacheTo: Array<{ type: string; ref: string | null; raw: string; line: number }>;
  cacheFrom: Array<{ type: string; ref: string | null; raw: string; line: number }>;
}

export interface BuildMap {
  builds: BuildMapEntry[];
  consumers: Array<{ kind: string; ref: string; path: string; line: number; job: string | null }>;
  errors: Array<{ path: string; message: string; line: number | null }>;
}

function specRow(c: { type: string; ref?: { text: string }; raw: string; span: { line: number } }) {
  return { type: c.type, ref: c.ref ? canonicalRef(c.ref.text) : null, raw: c.raw, line: c.span.line };
}

/** The build map of one repository's model, as the scan stores it (Repo.buildMap). */
export function buildMapOfModel(model: RepoModel): BuildMap {
  return {
    builds: model.builds.map((b) => ({
      id: b.id,
      source: b.source,
      path: b.path,
      line: b.span.line,
      job: b.job,
      stepName: b.stepName ?? null,
      bakeTarget: b.bakeTarget ?? null,
      push: b.push,
      tags: b.tags.map((t) => ({ ref: canonicalRef(t.text), line: t.span.line })),
      cacheTo: b.cacheTo.map(specRow),
      cacheFrom: b.cacheFrom.map(specRow),
    })),
    consumers: model.consumers.map((c) => ({ kind: c.kind, ref: canonicalRef(c.ref.text), path: c.path, line: c.ref.span.line, job: c.job ?? null })),
    errors: model.errors.map((e) => ({ path: e.path, message: e.message, line: e.line ?? null })),
  };
}

/** A stored build map; null when none was stored yet (a database from before build maps were stored) or it does not parse. */
export function parseBuildMap(json: string | null): BuildMap | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as BuildMap;
    return Array.isArray(v?.builds) && Array.isArray(v?.consumers) ? v : null;
  } catch {
    return null;
  }
}

