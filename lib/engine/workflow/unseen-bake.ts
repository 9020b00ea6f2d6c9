/**
 * Bake and compose files no invocation was seen reading (`docker-bake.hcl` at the root, a compose file
 * with `build:`) are often run by hand or by a script outside the repository: audit them with their
 * default variables, as `docker buildx bake` would build them. Findings about them are at most medium.
 */
import { DEFAULT_BAKE_FILES, resolveBake } from "../bake";
import { isWorkflowPath } from "../extract";
import type { Build } from "../types";
import type { RepoState } from "./model";

const DEFAULT_NAMES = new Set(DEFAULT_BAKE_FILES);

/** A file that bake would read: a default bake name anywhere, an `.hcl` with a target, a compose file with `build:`. */
export function isBakeCandidate(path: string, text: string): boolean {
  if (isWorkflowPath(path) || path.startsWith("//")) return false;
  const base = path.split("/").pop() ?? path;
  if (/\.hcl$/i.test(base)) return /^\s*target\s+"/m.test(text);
  if (DEFAULT_NAMES.has(base) && /\.json$/i.test(base)) return /"target"\s*:/.test(text);
  if (DEFAULT_NAMES.has(base) || /^(docker-)?compose[\w.-]*\.ya?ml$/i.test(base)) return /^\s+build\s*:/m.test(text);
  return false;
}

function hasDefault(text: string): boolean {
  return /^\s*(group|target)\s+"default"/m.test(text) || /"default"\s*:/.test(text) || /^\s*services\s*:/m.test(text);
}

export async function auditUnseenBakeFiles(rs: RepoState): Promise<void> {
  for (const [path, file] of rs.files) {
    if (rs.bakeRead.has(path) || !isBakeCandidate(path, file.text)) continue;
    const readFile = (p: string) => rs.files.get(p)?.text;
    let result: Awaited<ReturnType<typeof resolveBake>>;
    try {
      result = await resolveBake({ files: [path], targets: hasDefault(file.text) ? [] : ["*"], set: [], vars: {}, push: null }, readFile);
    } catch {
      continue;
    }
    // Problems in a file nobody is seen running are worth a word, not an error of the scan.
    for (const e of result.errors) rs.warnings.push({ ...e, message: `${e.message} (in a bake file no workflow names)` });
    for (const [i, b] of result.builds.entries()) {
      const build: Build = {
        id: `${path}#bake#${b.target}#${i}`,
        source: "bake-file",
        path,
        workflow: path,
        job: "(bake file)",
        seq: 0,
        needs: [],
        bakeTarget: b.target,
        tags: b.tags,
        cacheTo: b.cacheTo,
        cacheFrom: b.cacheFrom,
        push: b.push,
        load: false,
        outputs: b.outputs,
        span: b.tags[0]?.span ?? b.cacheTo[0]?.span ?? { path, line: 1, column: 1, offset: 0, endOffset: 0 },
        unseen: true,
        ...(rs.repo ? { repo: rs.repo } : {}),
      };
      rs.builds.push(build);
    }
  }
}
