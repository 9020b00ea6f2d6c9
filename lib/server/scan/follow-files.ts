/**
 * Reading what one batch of repositories' workflows run: the engine's discovery pass decides which
 * files (actions, reusable workflows, scripts, Makefiles, bake and compose files, in the repository or
 * in another repository of the organization) and this module fetches each round's wants for the whole
 * batch in one set of aliased GraphQL queries.
 */
import { discover, readKey, type ReadAnswer, type WantReader } from "@/lib/engine/discover";
import type { InputFile } from "@/lib/engine/types";
import type { GitHubClient } from "@/lib/github/client";
import { type FetchedFile, fetchFilesByPath, filesKey, normalizeRepoPath, type RepoWorkflowFiles, type WantedFiles } from "@/lib/github/files";
import type { FileProblem } from "@/lib/server/scan/types";

export interface FollowedRepo {
  /** every file read for the repository (engine paths: `//org/repo@ref/path` for other repositories' files) */
  files: FetchedFile[];
  /** the readable ones, as the engine takes them */
  inputs: InputFile[];
  /** files that can never be read (binary, too large): reported, the repository still counts as complete */
  problems: FileProblem[];
  /** a read that failed and may succeed next time: the repository is not complete */
  error?: string;
}

/** Over the limit or binary: nothing a retry changes. */
function permanent(f: FetchedFile): boolean {
  return f.binary || f.permanent === true;
}

function unreadable(path: string, f: FetchedFile): FileProblem {
  return { path, message: f.binary ? "binary file (not text); not read" : (f.error ?? "could not be read") };
}

function answerOf(f: FetchedFile): ReadAnswer {
  if (f.text != null && !f.binary) return { text: f.text };
  if (f.binary) return { error: "binary file" };
  return { error: f.error ?? "could not be read" };
}

/**
 * Follow the calls of each repository of a batch. `got` holds the batch's workflow answers (files and
 * root entries); repositories whose workflows could not be read are left out by the caller.
 */
export async function followBatch(
  gh: GitHubClient,
  org: string,
  repos: Array<{ name: string; fullName: string; got: RepoWorkflowFiles }>,
): Promise<Map<string, FollowedRepo>> {
  const out = new Map<string, FollowedRepo>();
  const units = repos.map((r) => {
    const state: FollowedRepo = { files: [...r.got.files], inputs: [], problems: [] };
    out.set(r.name, state);
    const inputs: InputFile[] = [];
    for (const f of r.got.files) {
      // a read that failed for now (not binary, not over the limit) makes the repository incomplete
      if (f.text == null && !permanent(f)) state.error ??= `${f.path}: ${f.error ?? "could not be read"}`;
      else if (f.text == null || f.binary) state.problems.push(unreadable(f.path, f));
      else inputs.push({ path: f.path, text: f.text, repo: r.fullName });
    }
    const rootNames = r.got.rootEntries.filter((e) => e.type === "blob").map((e) => e.name);
    return { repo: r.fullName, files: inputs, rootNames };
  });
  const read: WantReader = async (wants) => {
    const answers = new Map<string, ReadAnswer>();
    const wanted: WantedFiles[] = [];
    const asked: Array<{ unit: number; key: string; fetchKey: string; path: string }> = [];
    for (const w of wants) {
      // the engine asks for another repository only when it is of this organization
      const repoName = w.want.repo ? w.want.repo.split("/")[1] : repos[w.unit].name;
      const ref = w.want.repo ? w.want.ref : undefined;
      wanted.push({ repo: repoName, ...(ref ? { ref } : {}), paths: [w.want.path] });
      // results come back under normalized paths (`./x` -> `x`); a path outside the repository is never asked
      const path = normalizeRepoPath(w.want.path);
      if (path !== null) asked.push({ unit: w.unit, key: w.key, fetchKey: filesKey(repoName, ref), path });
    }
    let fetched: Map<string, FetchedFile[]>;
    try {
      fetched = await fetchFilesByPath(gh, org, wanted);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      for (const a of asked) {
        answers.set(readKey(a.unit, a.key), { error: message });
        out.get(repos[a.unit].name)!.error ??= `${a.path}: ${message}`;
      }
      return answers;
    }
    for (const a of asked) {
      const f = fetched.get(a.fetchKey)?.find((x) => x.path === a.path);
      if (!f) continue; // does not exist at that ref
      const state = out.get(repos[a.unit].name)!;
      state.files.push({ ...f, path: a.key });
      if (f.text == null && !permanent(f)) state.error ??= `${a.key}: ${f.error ?? "could not be read"}`;
      else if (f.text == null) state.problems.push(unreadable(a.key, f));
      answers.set(readKey(a.unit, a.key), answerOf(f));
    }
    return answers;
  };
  const found = await discover(units, read);
  for (const [i, d] of found.entries()) out.get(repos[i].name)!.inputs = d.files;
  return out;
}
