import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, Parser } from "yaml";
import { parseAllDocumentsQuiet, QuietParser } from "./yaml-parse";

const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = path.join(dir, n);
      return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(n) ? [p] : [];
    });
}

/** Inputs that reach the rarer paths of the parser: errors, flow collections, documents, block scalars. */
const TRICKY = [
  "",
  "# only a comment\n",
  "a: 1\n---\nb: 2\n...\n",
  "%YAML 1.2\n---\nx: [1, {a: b}, 'q', \"d\\n\"]\n",
  "k: |\n  one\n  two\nm: >-\n  folded\n  text\n",
  "? complex\n: value\n- seq at wrong place\n",
  "a: [unclosed\nb: c\n",
  "a: 'unterminated\n",
  "x: &a { y: 1 }\nz: *a\nw:\n  <<: *a\n",
  "\t tab: indent\n",
  "a:\n  - b\n  -c\n - d\n",
  "@reserved: x\n",
  "a: b: c\n",
  "{ a: 1 } trailing\n",
  "- a\n- ? b\n  : c\n- !!str d\n- !local e\n",
  "key: \"multi\n  line\"\nother: 'it''s'\n",
  "a: 1\r\nb: 2\r\n",
];

const OPTIONS = { merge: true, prettyErrors: false, strict: false, uniqueKeys: false } as const;

function attempt(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    return `throws: ${(e as Error).message}`;
  }
}

function docSummary(docs: ReturnType<typeof parseAllDocumentsQuiet>): unknown {
  return docs.map((d) => ({
    js: attempt(() => d.toJS({ maxAliasCount: 1000 })),
    range: d.range,
    errors: d.errors.map((e) => [e.code, e.message, e.pos]),
    warnings: d.warnings.map((e) => [e.code, e.message, e.pos]),
    text: attempt(() => d.toString()),
  }));
}

describe("QuietParser", () => {
  const files = [
    ...yamlFiles(path.join(ROOT, "tests", "fixtures")),
    ...yamlFiles(path.resolve(ROOT, "..", "shared", "corpus", "actionlint")),
  ];
  const inputs = [...TRICKY.map((t, i) => ({ name: `tricky ${i}`, text: t })), ...files.map((f) => ({ name: f, text: readFileSync(f, "utf8") }))];

  it("gives the tokens and documents yaml's own Parser gives", () => {
    expect(files.length).toBeGreaterThan(50);
    for (const { name, text } of inputs) {
      expect([...new QuietParser().parse(text)], name).toEqual([...new Parser().parse(text)]);
      const ours = parseAllDocumentsQuiet(text, OPTIONS);
      const theirs = parseAllDocuments(text, OPTIONS);
      expect(docSummary(ours), name).toEqual(docSummary(Array.isArray(theirs) ? theirs : []));
    }
  });
});
