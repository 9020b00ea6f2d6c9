/**
 * The one discovery pass: which files of a repository to read. Extraction runs on what is known, says
 * which files it looked for and was not given (composite actions, reusable workflows, scripts,
 * Makefiles, bake files), the caller reads them, and extraction runs again, until it asks for nothing
 * new. What is read is therefore exactly what extraction follows. Reading is the caller's (a checkout on
 * disk, GitHub's GraphQL API); the engine stays free of I/O.
 */
import { DEFAULT_BAKE_FILES } from "./bake";
import { extractRepo } from "./extract";
import type { FileWant, InputFile, RepoModel } from "./types";
import { wantKey } from "./workflow/files";

export interface DiscoveryUnit {
  /** `owner/name` for an org repository; absent for a local checkout */
  repo?: string;
  /** the files known at the start (workflows; any stored files) */
  files: InputFile[];
  /** names of the entries at the repository's root, when known: bake and compose files nobody names are read too */
  rootNames?: string[];
}

/** What the reader found for one want: the text, or why not (`error`), or neither when it does not exist. */
export interface ReadAnswer {
  text?: string;
  error?: string;
}

/** Read a round's wants, for every unit at once (so an org scan can batch them into few requests). */
export type WantReader = (wants: Array<{ unit: number; key: string; want: FileWant }>) => Promise<Map<string, ReadAnswer>>;

export interface Discovered {
  /** every file read (the starting files plus what discovery added), engine paths */
  files: InputFile[];
  /** engine paths that were looked for and do not exist or could not be read ("" = does not exist) */
  missing: Map<string, string>;
  /** the extraction of the last round: complete for these files */
  model: RepoModel;
  rounds: number;
}

/** Calls nest (a workflow calls an action that runs a script that runs make): this many reads deep at most. */
export const MAX_ROUNDS = 6;

/** Root entries that may be bake or compose files nobody names. */
export function unnamedBakeCandidates(rootNames: string[]): string[] {
  const defaults = new Set(DEFAULT_BAKE_FILES);
  return rootNames.filter((n) => defaults.has(n) || /\.hcl$/i.test(n) || /^(docker-)?compose[\w.-]*\.ya?ml$/i.test(n));
}

export function readKey(unit: number, key: string): string {
  return `${unit}\u0000${key}`;
}

export async function discover(units: DiscoveryUnit[], read: WantReader, opts: { maxRounds?: number } = {}): Promise<Discovered[]> {
  const maxRounds = opts.maxRounds ?? MAX_ROUNDS;
  const state = units.map((u) => ({
    files: new Map(u.files.map((f) => [f.path, f])),
    missing: new Map<string, string>(),
    model: undefined as RepoModel | undefined,
    rounds: 0,
    first: unnamedBakeCandidates(u.rootNames ?? []).filter((n) => !u.files.some((f) => f.path === n)),
  }));
  for (let round = 0; round < maxRounds; round++) {
    const wants: Array<{ unit: number; key: string; want: FileWant }> = [];
    for (const [i, s] of state.entries()) {
      if (s.model && s.model.wanted.length === 0) continue;
      s.rounds++;
      s.model = await extractRepo([...s.files.values()], { ...(units[i].repo ? { repo: units[i].repo } : {}), missing: s.missing });
      const asked = [...s.model.wanted, ...(round === 0 ? s.first.map((path) => ({ path, optional: true })) : [])];
      const keys = new Set<string>();
      for (const want of asked) {
        const key = wantKey(want);
        if (s.files.has(key) || s.missing.has(key) || keys.has(key)) continue;
        keys.add(key);
        wants.push({ unit: i, key, want });
      }
    }
    if (wants.length === 0) break;
    const got = await read(wants);
    for (const w of wants) {
      const s = state[w.unit];
      const a = got.get(readKey(w.unit, w.key));
      if (a?.text !== undefined) s.files.set(w.key, { path: w.key, text: a.text, ...(units[w.unit].repo ? { repo: units[w.unit].repo } : {}) });
      else s.missing.set(w.key, a?.error ?? "");
    }
    // Whatever this round added must be extracted again: mark the units that asked as not done.
    for (const w of wants) state[w.unit].model = { ...state[w.unit].model!, wanted: [w.want] };
  }
  const out: Discovered[] = [];
  for (const [i, s] of state.entries()) {
    let model = s.model!;
    if (model.wanted.length > 0) {
      // Still asking after the last round: what is left is missing, said as such.
      model = await extractRepo([...s.files.values()], { ...(units[i].repo ? { repo: units[i].repo } : {}) });
      model.warnings.push({ path: units[i].files[0]?.path ?? "", message: `calls nest more than ${maxRounds} files deep; the deepest were not read` });
    }
    out.push({ files: [...s.files.values()], missing: s.missing, model, rounds: s.rounds });
  }
  return out;
}
