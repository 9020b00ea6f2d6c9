import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isAlias, isMap, isScalar, isSeq } from "yaml";
import { syntheticWorkflows } from "../../../bench/synthetic-workflows";
import { parseFast } from "./yaml-fast";
import { parseAllDocumentsQuiet } from "./yaml-parse";

const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");
const OPTIONS = { merge: true, prettyErrors: false, strict: false, uniqueKeys: false } as const;

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = path.join(dir, n);
      return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(n) ? [p] : [];
    });
}

/** Everything the engine reads of a node: kind, value, style, source text, flow flag and ranges. */
function tree(n: unknown): unknown {
  if (n === null || n === undefined) return n;
  if (isScalar(n)) return { value: n.value, type: n.type, source: (n as { source?: string }).source, range: n.range, format: n.format };
  if (isMap(n)) return { map: n.items.map((p) => [tree(p.key), tree(p.value)]), range: n.range, flow: n.flow ?? false };
  if (isSeq(n)) return { seq: n.items.map(tree), range: n.range, flow: n.flow ?? false };
  if (isAlias(n)) return { alias: n.source, range: n.range };
  return { other: String(n) };
}

/**
 * What yaml composes, when it composes one clean document (the only thing the fast path may give).
 * The document's range is compared up to the end of its contents: where yaml ends a document after
 * trailing blank lines differs with the tokens before them, and nothing reads it.
 */
function yamlTree(text: string): unknown {
  const docs = parseAllDocumentsQuiet(text, OPTIONS);
  if (docs.length !== 1 || docs[0].errors.length > 0 || docs[0].warnings.length > 0) return "yaml: not one clean document";
  return { contents: tree(docs[0].contents), range: docs[0].range.slice(0, 2) };
}

function fastTree(text: string): unknown {
  const d = parseFast(text, OPTIONS);
  return d ? { contents: tree(d.contents), range: d.range.slice(0, 2) } : null;
}

/** A deterministic generator, so a failure names a mutation that can be run again. */
function lcg(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

const PIECES = [":", "#", "-", " ", "  ", '"', "'", "|", ">", "[", "]", ",", "&a", "*a", "!", "{", "}", "x", "\n", ": ", " #", "- ", "|-", ">-", "''", "\\", "?", "1", "true", "~", "null", "0x1F", "1.50", "<<", "  - "];

/** One to three edits a person makes by mistake: lines dropped, repeated, re-indented, commented, cut. */
function mutate(text: string, rnd: () => number): string {
  const lines = text.split("\n");
  const edits = 1 + Math.floor(rnd() * 3);
  for (let k = 0; k < edits; k++) {
    const i = Math.floor(rnd() * lines.length);
    const line = lines[i] ?? "";
    switch (Math.floor(rnd() * 7)) {
      case 0: lines.splice(i, 1); break;
      case 1: lines.splice(i, 0, lines[Math.floor(rnd() * lines.length)] ?? ""); break;
      case 2: lines[i] = ` ${line}`; break;
      case 3: lines[i] = line.replace(/^ /, ""); break;
      case 4: lines.splice(i, 0, `${" ".repeat(Math.floor(rnd() * 8))}# note`); break;
      case 5: lines.splice(i, 0, ""); break;
      default: {
        const p = Math.floor(rnd() * (line.length + 1));
        lines[i] = line.slice(0, p) + PIECES[Math.floor(rnd() * PIECES.length)] + line.slice(p + (rnd() < 0.3 ? 1 : 0));
      }
    }
  }
  return lines.join("\n");
}

const files = [
  ...yamlFiles(path.join(ROOT, "tests", "fixtures")),
  ...yamlFiles(path.join(ROOT, "lib", "demo", "fixture")),
  ...yamlFiles(path.resolve(ROOT, "..", "shared", "corpus")),
].map((f) => ({ name: path.relative(ROOT, f), text: readFileSync(f, "utf8") }));

describe("the line-by-line YAML fast path", () => {
  it("gives yaml's document, node for node, for every fixture, corpus and bench file it reads", () => {
    const inputs = [...files, ...syntheticWorkflows(40).map((f) => ({ name: f.path, text: f.text }))];
    expect(files.length).toBeGreaterThan(300);
    let fast = 0;
    for (const { name, text } of inputs) {
      const got = fastTree(text);
      if (got === null) continue;
      fast++;
      expect(got, name).toEqual(yamlTree(text));
    }
    // the point of it: nearly every real workflow takes the fast path
    expect(fast / inputs.length).toBeGreaterThan(0.9);
  });

  it("gives yaml's document or steps aside on thousands of mistyped variants of them", () => {
    // YAML_FUZZ_SEED / YAML_FUZZ_N explore further by hand; CI runs the fixed seed
    const rnd = lcg(Number(process.env.YAML_FUZZ_SEED ?? 20261201));
    let fast = 0;
    const N = Number(process.env.YAML_FUZZ_N ?? 10000);
    for (let i = 0; i < N; i++) {
      const base = files[Math.floor(rnd() * files.length)];
      const text = mutate(base.text, rnd);
      const got = fastTree(text);
      if (got === null) continue;
      fast++;
      expect(got, `mutation ${i} of ${base.name}:\n${text}`).toEqual(yamlTree(text));
    }
    // enough of the variants stay on the fast path for this to test it
    expect(fast).toBeGreaterThan(N / 4);
  });

  it("reads the shapes workflows are written in the way yaml does", () => {
    const cases = [
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest # pinned\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n          echo one\n\n          echo two\n        shell: bash\n",
      "on:\n  push:\n    branches: [main, 'release/*', \"v1\"]\n    tags: []\nenv:\n  A: 1\n  B: 0x1F\n  C: true\n  D: ~\n  E: 1.50\n  F: '00'\n",
      "a:\n- x\n- y\nb: >-\n  folded\n  text\n\n  para\nc: |-\n  kept\n",
      "key:\n  # a comment inside\n  child: 'it''s'\n# between\nnext:\n",
      "x: \"#not a comment\"\ny: a#b\nz: http://h:80/p\n",
      "a: # a null with a comment\nb: 1\n",
      "run: |\n  echo no final newline",
    ];
    for (const text of cases) {
      const got = fastTree(text);
      expect(got, text).not.toBeNull();
      expect(got, text).toEqual(yamlTree(text));
    }
  });

  it("leaves to yaml what it does not handle", () => {
    const cases = [
      "a: &x 1\nb: *x\n",
      "a: !!str 1\n",
      "base: &b {x: 1}\nc:\n  <<: *b\n",
      "a: {x: 1}\n",
      "a: multi\n  line\n",
      "a: \"esc\\n\"\n",
      "? k\n: v\n",
      "a:\tb\n",
      "a: 1\r\nb: 2\r\n",
      "---\na: 1\n",
      "a: 1\n---\nb: 2\n",
      "- a\n- b\n",
      "a: b: c\n",
      "a: |+\n  keep\n\n",
      "a: |2\n   x\n",
      "a: [1,\n  2]\n",
      "a: 'open\n",
      "a:\n  b: 1\n c: 2\n",
    ];
    for (const text of cases) expect(parseFast(text, OPTIONS), text).toBeNull();
  });
});
