/**
 * Reading what `cacheguard check` is pointed at: checkouts (their workflows and the bake files those
 * name) or single files. Hostile files (binary, invalid UTF-8, huge) become errors, never crashes.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { isWorkflowPath } from "../engine/extract";
import { parseForeignPath } from "../engine/paths";
import type { ReadAnswer } from "../engine/discover";
import type { InputFile, ParseError } from "../engine/types";

/** Real workflows are a few KB; a file this large is a mistake or an attack, so it is not parsed. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** One unit of analysis: a checkout, or the single files given on the command line. */
export interface InputUnit {
  /** label used as the repo name when several units are analyzed together */
  label: string;
  files: InputFile[];
  errors: ParseError[];
  /** engine path -> path shown to the user */
  display: Map<string, string>;
  /** a checkout without workflows is worth a word, not an error */
  empty?: string;
  /** names at the checkout's root (bake and compose files nobody names are audited too) */
  rootNames?: string[];
  /**
   * Read a file extraction asks for (an action, script, Makefile, bake file), by engine path; also
   * records it for display. Files of other repositories are not read offline.
   */
  read: (enginePath: string) => ReadAnswer;
}

/** A reader for files under `dir`, shown as `prefix/…`, recording what it read into the unit. */
function diskReader(unit: Omit<InputUnit, "read">, dir: string | null, show: (rel: string) => string): (p: string) => ReadAnswer {
  return (p) => {
    if (parseForeignPath(p)) return { error: "in another repository; an offline check does not read it" };
    if (dir === null) return { error: "not given on the command line; check the checkout to follow it" };
    const clean = posix(path.posix.normalize(p));
    if (clean.startsWith("../") || path.isAbsolute(clean)) return { error: "outside the checkout" };
    const abs = path.join(dir, clean);
    try {
      if (!statSync(abs).isFile()) return {};
    } catch {
      return {};
    }
    unit.display.set(clean, show(clean));
    const r = readText(abs, show(clean));
    return "error" in r ? { error: r.error.message.replace(/; not analyzed$/, "") } : { text: r.text };
  };
}

export class UsageError extends Error {}

function posix(p: string): string {
  return p.split(path.sep).join("/");
}

function codeText(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  return e instanceof Error ? e.message : String(e);
}

/** Read one file as UTF-8 text, or say why it cannot be audited. */
export function readText(abs: string, shown: string): { text: string } | { error: ParseError } {
  let buf: Buffer;
  try {
    const st = statSync(abs);
    if (st.size > MAX_FILE_BYTES) {
      const mb = (st.size / (1024 * 1024)).toFixed(1);
      return { error: { path: shown, message: `file is ${mb} MB, over the 1 MB limit for a workflow or bake file; not analyzed` } };
    }
    buf = readFileSync(abs);
  } catch (e) {
    return { error: { path: shown, message: `cannot read file: ${codeText(e)}` } };
  }
  if (buf.subarray(0, 8192).includes(0)) {
    return { error: { path: shown, message: "binary file (contains NUL bytes), not a workflow; not analyzed" } };
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(buf) };
  } catch {
    return { error: { path: shown, message: "file is not valid UTF-8 text; not analyzed" } };
  }
}

function readCheckout(dir: string, prefix: string, typed: string): InputUnit {
  const show = (rel: string) => (prefix ? `${prefix}/${rel}` : rel);
  const base: Omit<InputUnit, "read"> = { label: prefix || ".", files: [], errors: [], display: new Map() };
  const unit: InputUnit = { ...base, read: diskReader(base, dir, show) };
  try {
    unit.rootNames = readdirSync(dir).sort();
  } catch {
    // an unreadable root lists nothing; the workflows below say what went wrong
  }
  const wfDir = path.join(dir, ".github", "workflows");
  let names: string[] = [];
  try {
    names = readdirSync(wfDir).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (e) {
    if ((e as { code?: string }).code !== "ENOENT") {
      unit.errors.push({ path: show(".github/workflows"), message: `cannot read directory: ${codeText(e)}` });
    }
  }
  if (names.length === 0) unit.empty = `${typed}: no .github/workflows/*.yml or *.yaml files found`;
  for (const name of names) {
    const rel = `.github/workflows/${name}`;
    const abs = path.join(wfDir, name);
    try {
      if (!statSync(abs).isFile()) continue;
    } catch {
      continue;
    }
    const r = readText(abs, show(rel));
    if ("error" in r) unit.errors.push(r.error);
    else unit.files.push({ path: rel, text: r.text });
    unit.display.set(rel, show(rel));
  }
  return unit;
}

/**
 * Turn the command line's PATHs into units. A missing path is a usage error (exit 2). Single files
 * that are not under `.github/workflows/` are handed to the engine as workflows of that name.
 */
export function readInputs(paths: string[], cwd: string): InputUnit[] {
  const dirs: string[] = [];
  const files: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    try {
      if (statSync(abs).isDirectory()) dirs.push(p);
      else files.push(p);
    } catch (e) {
      throw new UsageError(`cacheguard: cannot read ${p}: ${codeText(e)}`);
    }
  }
  const units: InputUnit[] = [];
  const onlyOneDir = dirs.length === 1 && files.length === 0;
  for (const d of dirs) {
    let abs = path.resolve(cwd, d);
    // `check .github/workflows` means the checkout that holds it.
    if (path.basename(abs) === "workflows" && path.basename(path.dirname(abs)) === ".github") abs = path.dirname(path.dirname(abs));
    const prefix = onlyOneDir ? "" : posix(path.relative(cwd, abs)) || ".";
    units.push(readCheckout(abs, prefix === "." ? "" : prefix, d));
  }
  if (files.length) {
    // Single workflows of one checkout (`path/.github/workflows/x.yml`) follow calls into that checkout.
    const roots = new Set(files.map((f) => {
      const m = /^(.*?)(?:^|\/)\.github\/workflows\/[^/]+$/.exec(posix(path.resolve(cwd, f)));
      return m ? m[1] || "/" : null;
    }));
    const root = roots.size === 1 ? [...roots][0] : null;
    const base: Omit<InputUnit, "read"> = { label: "(files)", files: [], errors: [], display: new Map() };
    const rootShown = root === null ? "" : posix(path.relative(cwd, root));
    const unit: InputUnit = { ...base, read: diskReader(base, root, (rel) => (rootShown ? `${rootShown}/${rel}` : rel)) };
    const taken = new Set<string>();
    for (const f of files) {
      const shown = posix(path.normalize(f));
      let enginePath = shown;
      const looksLikeWorkflow = /\.ya?ml$/i.test(shown) && !/(^|\/)(docker-)?compose[^/]*\.ya?ml$/i.test(shown);
      if (!isWorkflowPath(shown) && looksLikeWorkflow) {
        const base = path.posix.basename(shown);
        enginePath = `.github/workflows/${base}`;
        for (let i = 2; taken.has(enginePath); i++) enginePath = `.github/workflows/${i}-${base}`;
      }
      taken.add(enginePath);
      unit.display.set(enginePath, shown);
      const r = readText(path.resolve(cwd, f), shown);
      if ("error" in r) unit.errors.push(r.error);
      else unit.files.push({ path: enginePath, text: r.text });
    }
    units.push(unit);
  }
  return units;
}
