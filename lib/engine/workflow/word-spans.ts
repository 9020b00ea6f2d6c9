/**
 * Where the words of a shell command stand in the file: a run scalar's words are found in source order,
 * so a word written twice gets each occurrence's own characters.
 */
import { indexWithin, spanAt } from "../span";
import type { Word } from "../shell/tokenize";
import type { Span } from "../types";
import type { FileState } from "./model";
import type { ScalarInfo } from "./yaml-doc";

/** Locates words of one run scalar in the file, in order. */
export class WordLocator {
  private cursor: number;
  constructor(
    private fs: FileState,
    private info: ScalarInfo,
  ) {
    this.cursor = info.start;
  }
  /** Where the word's characters stand from the cursor on (the cursor moves past them); -1 when not found. */
  find(w: Word): number {
    if (w.raw === "") return -1;
    const at = indexWithin(this.fs.y.text, w.raw, this.cursor, this.info.end);
    if (at >= 0) this.cursor = at + w.raw.length;
    return at;
  }
  /** The span of `length` characters found at `at`; the whole scalar when they were not found. */
  spanOf(at: number, length: number): Span {
    const { text, path } = this.fs.y;
    return at >= 0 ? spanAt(path, text, at, at + length) : spanAt(path, text, this.info.start, this.info.end);
  }
  span(w: Word): Span {
    return this.spanOf(this.find(w), w.raw.length);
  }
}

/** A word's place, found in source order; its Span is made only when a caller asks for it. */
interface Place {
  at: number;
  length: number;
  span?: Span;
}

/**
 * Spans of every word of one command, taken in source order so that a spec written twice
 * (`--export-cache type=registry,ref=X … --import-cache type=registry,ref=X`) gets each occurrence's
 * own characters. A sub-word (`x` of `--tag=x`) lies inside its parent word at a known distance.
 * Words one source word expands into (`"$@"`, a make variable holding flags) share its span.
 */
export function commandLocator(fs: FileState, loc: WordLocator, words: Word[]): (w: Word) => Span {
  const places = new Map<Word, Place>();
  const byStart = new Map<number, Place>();
  for (const w of words) {
    const known = byStart.get(w.start);
    // an earlier word with the same start came from the same source word (`"$@"`): share its place
    const p = known ?? { at: loc.find(w), length: w.raw.length };
    places.set(w, p);
    byStart.set(w.start, p);
  }
  const { text, path } = fs.y;
  return (w: Word): Span => {
    const own = places.get(w);
    if (own) return placeSpan(loc, own);
    const parent = words.find((p) => p.start <= w.start && w.start < p.end);
    const pp = parent ? places.get(parent) : undefined;
    if (!parent || !pp) return loc.span(w);
    const ps = placeSpan(loc, pp);
    const at = ps.offset + (w.start - parent.start);
    if (text.startsWith(w.raw, at) && at + w.raw.length <= ps.endOffset) return spanAt(path, text, at, at + w.raw.length);
    const found = indexWithin(text, w.raw, ps.offset, ps.endOffset);
    return found >= 0 ? spanAt(path, text, found, found + w.raw.length) : ps;
  };
}

/** A place's span, made once (a module function: tsx's keepNames names every named closure made per command). */
function placeSpan(loc: WordLocator, p: Place): Span {
  return (p.span ??= loc.spanOf(p.at, p.length));
}
