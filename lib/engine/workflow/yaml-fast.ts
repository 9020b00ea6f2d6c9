/**
 * A fast path for the YAML that workflow files are nearly always written in: block mappings and
 * sequences, plain and quoted one-line scalars, literal and folded block scalars, one-line flow
 * sequences of scalars, and comments. It builds the very nodes yaml's Composer builds (yaml's own
 * Scalar, YAMLMap, YAMLSeq and Pair classes, same values, types and source ranges) from the lines
 * directly, at a fraction of the cost of yaml's lexer, CST parser and composer.
 *
 * Anything else (anchors, aliases, tags, merge keys, flow mappings, multi-line plain or quoted
 * scalars, escapes, explicit keys, tabs, CR line ends, directives, several documents, any line yaml
 * would call an error) makes `parseFast` return null, and the caller parses the file with yaml
 * itself. yaml-fast.test.ts checks node for node that both give the same document on every fixture,
 * bench and corpus file and on thousands of mutations of them.
 */
import { Document, isScalar, Pair, Scalar, YAMLMap, YAMLSeq, type DocumentOptions, type ParseOptions, type SchemaOptions } from "yaml";

type Options = ParseOptions & DocumentOptions & SchemaOptions;

/** The fast path does not apply to this text. */
class Bail extends Error {}
const BAIL = new Bail();

interface ScalarTag {
  default?: boolean | "key";
  test?: RegExp;
  format?: string;
  resolve(value: string, onError: (msg: string) => void, options: unknown): unknown;
}

/** Characters that cannot start a plain scalar or a plain key (YAML 1.2, c-indicator), besides - ? : */
const INDICATOR_START = new Set(["#", "&", "*", "!", "|", ">", "'", '"', "%", "@", "`", "[", "]", "{", "}", ","]);

class LineParser {
  private readonly text: string;
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  /** indentation (spaces) of each line; -1 for a blank or comment-only line */
  private readonly indents: number[] = [];
  private readonly tags: ScalarTag[];
  private readonly strTag: ScalarTag;
  private readonly options: unknown;
  /** the line being read */
  private line = 0;

  constructor(text: string, doc: Document) {
    this.text = text;
    const schema = doc.schema as unknown as { tags: ScalarTag[] } & Record<symbol, ScalarTag>;
    this.tags = schema.tags.filter((t) => t.default === true && t.test);
    this.strTag = schema[Symbol.for("yaml.scalar")] ?? (schema.tags.find((t) => (t as { tag?: string }).tag === "tag:yaml.org,2002:str") as ScalarTag);
    this.options = doc.options;
    let i = 0;
    const n = text.length;
    while (i <= n) {
      let j = text.indexOf("\n", i);
      if (j < 0) j = n;
      this.starts.push(i);
      this.ends.push(j);
      let k = i;
      while (k < j && text.charCodeAt(k) === 32) k++;
      this.indents.push(k === j || text.charCodeAt(k) === 35 /* # */ ? -1 : k - i);
      if (j === n) break;
      i = j + 1;
    }
    // a final empty line after the last newline is no line of content
    if (this.starts.length > 1 && this.starts[this.starts.length - 1] === n) {
      this.starts.pop();
      this.ends.pop();
      this.indents.pop();
    }
  }

  /** The next line at or after `from` holding content, or the line count. */
  private nextContent(from: number): number {
    let l = from;
    while (l < this.indents.length && this.indents[l] < 0) l++;
    return l;
  }

  /**
   * The line of a collection's next item at column `col`, or -1 where the collection ends (a line at
   * the parent's column or less, or the end). A line between the two columns, or deeper, is yaml's to
   * judge; so is a comment after the last item as deep as the items (it belongs to the collection).
   */
  private nextItemLine(col: number, parent: number): number {
    const next = this.nextContent(this.line);
    const ind = next < this.indents.length ? this.indents[next] : -1;
    if (ind < col) {
      if (ind > parent) throw BAIL;
      if (this.commentLineBetween(this.line, next, col)) throw BAIL;
      return -1;
    }
    if (ind > col) throw BAIL;
    return next;
  }

  /** Whether a comment line indented at least `col` lies in lines [from, to). */
  private commentLineBetween(from: number, to: number, col: number): boolean {
    for (let l = from; l < to && l < this.starts.length; l++) {
      const s = this.starts[l];
      const e = this.ends[l];
      let k = s;
      while (k < e && this.text.charCodeAt(k) === 32) k++;
      if (k < e && k - s >= col) return true;
    }
    return false;
  }

  /**
   * Where yaml ends a null whose line holds a comment: after the newline and the next line's
   * indentation (a blank next line adds nothing; one of spaces only is left to yaml).
   */
  private afterComment(l: number): number {
    const end = this.afterLine(l);
    if (l + 1 >= this.starts.length) return end;
    const s = this.starts[l + 1];
    const e = this.ends[l + 1];
    let k = s;
    while (k < e && this.text.charCodeAt(k) === 32) k++;
    if (k === e && e > s) throw BAIL;
    return k;
  }

  /** Offset just after line l's newline (or the end of the text). */
  private afterLine(l: number): number {
    return Math.min(this.ends[l] + 1, this.text.length);
  }

  parse(): YAMLMap {
    const first = this.nextContent(0);
    if (first >= this.indents.length) throw BAIL;
    const indent = this.indents[first];
    if (indent !== 0) throw BAIL;
    this.line = first;
    const map = this.blockMap(first, this.starts[first], 0, -1);
    if (this.nextContent(this.line) < this.indents.length) throw BAIL;
    return map;
  }

  /**
   * A block mapping whose first key starts at offset `at` on line `l` (column `col`); later keys are
   * on their own lines at that column. `parent` is the indentation the mapping must be deeper than.
   */
  private blockMap(l: number, at: number, col: number, parent: number): YAMLMap {
    const map = new YAMLMap();
    const start = at;
    let end = at;
    let first = true;
    const saved = this.inMap;
    this.inMap = true;
    for (;;) {
      if (!first) {
        const next = this.nextItemLine(col, parent);
        if (next < 0) break;
        l = next;
        at = this.starts[l] + col;
        if (this.text.charCodeAt(at) === 45 /* - */ && this.isSeqIndicator(at)) {
          break; // a sequence at the mapping's own column ends it (the parent may take it)
        }
      }
      first = false;
      const pair = this.mapEntry(l, at, col);
      map.items.push(pair);
      end = (pair.value as { range: [number, number, number] }).range[2];
    }
    this.inMap = saved;
    map.range = [start, end, end];
    return map;
  }

  private isSeqIndicator(at: number): boolean {
    const c = this.text.charCodeAt(at + 1);
    return at + 1 >= this.text.length || c === 32 || c === 10;
  }

  /** One `key: value` whose key starts at `at` on line `l`; leaves `this.line` after the value. */
  private mapEntry(l: number, at: number, col: number): Pair {
    const lineEnd = this.ends[l];
    const c0 = this.text[at];
    let key: Scalar;
    let colon: number;
    if (c0 === '"' || c0 === "'") {
      const q = this.quoted(at, lineEnd);
      key = q.scalar;
      key.range = [at, q.end, q.end];
      colon = q.end;
      while (colon < lineEnd && this.text.charCodeAt(colon) === 32) colon++;
      if (this.text.charCodeAt(colon) !== 58 /* : */) throw BAIL;
    } else {
      if (INDICATOR_START.has(c0) || ((c0 === "-" || c0 === "?" || c0 === ":") && this.isSeqIndicator(at))) throw BAIL;
      colon = -1;
      for (let i = at; i < lineEnd; i++) {
        const c = this.text.charCodeAt(i);
        if (c === 58 && (i + 1 === lineEnd || this.text.charCodeAt(i + 1) === 32)) {
          colon = i;
          break;
        }
        if (c === 35 && this.text.charCodeAt(i - 1) === 32) throw BAIL; // a comment before any colon
      }
      if (colon < 0) throw BAIL;
      let kEnd = colon;
      while (kEnd > at && this.text.charCodeAt(kEnd - 1) === 32) kEnd--;
      const src = this.text.slice(at, kEnd);
      if (src === "<<") throw BAIL;
      key = this.plainScalar(src);
      key.range = [at, kEnd, kEnd];
    }
    const value = this.valueAfter(l, colon + 1, col);
    return new Pair(key, value);
  }

  /**
   * The value that follows an indicator (`:` of a key, `-` of a sequence item) ending at `from` on
   * line `l`, for a collection at column `col`.
   */
  private valueAfter(l: number, from: number, col: number): unknown {
    const lineEnd = this.ends[l];
    let i = from;
    while (i < lineEnd && this.text.charCodeAt(i) === 32) i++;
    const emptyAt = i;
    const c = i < lineEnd ? this.text[i] : "";
    if (c === "" || (c === "#" && i > from)) {
      if (c === "#" && i === from) throw BAIL;
      // empty on this line: a nested block below, or a null
      const next = this.nextContent(l + 1);
      if (next < this.indents.length) {
        const ind = this.indents[next];
        const at = this.starts[next] + ind;
        if (ind > col) {
          this.line = next;
          return this.blockNode(next, at, ind, col);
        }
        if (ind === col && this.text.charCodeAt(at) === 45 && this.isSeqIndicator(at) && this.inMap) {
          this.line = next;
          return this.blockSeq(next, at, ind, col - 1);
        }
      }
      if (this.commentLineBetween(l + 1, next, 0)) throw BAIL; // yaml gives such a comment to the null
      this.line = l + 1;
      const empty = this.plainScalar("");
      // a comment after the indicator is the null's, and so is the rest of its line
      empty.range = [emptyAt, emptyAt, c === "#" ? this.afterComment(l) : emptyAt];
      return empty;
    }
    if (c === "#") throw BAIL;
    if (c === "|" || c === ">") return this.blockScalar(l, i, col);
    if (c === "[") return this.flowSeq(l, i, col);
    if (c === '"' || c === "'") {
      const q = this.quoted(i, lineEnd);
      const end = this.trailing(l, q.end, col);
      q.scalar.range = [i, q.end, end];
      return q.scalar;
    }
    if (INDICATOR_START.has(c) || ((c === "-" || c === "?" || c === ":") && this.isSeqIndicator(i))) throw BAIL;
    // a plain scalar up to a comment or the line's end
    let vEnd = lineEnd;
    for (let k = i; k < lineEnd; k++) {
      const ch = this.text.charCodeAt(k);
      if (ch === 35 && this.text.charCodeAt(k - 1) === 32) {
        vEnd = k;
        break;
      }
      if (ch === 58 && (k + 1 === lineEnd || this.text.charCodeAt(k + 1) === 32)) throw BAIL;
    }
    while (vEnd > i && this.text.charCodeAt(vEnd - 1) === 32) vEnd--;
    const src = this.text.slice(i, vEnd);
    const s = this.plainScalar(src);
    const end = this.trailing(l, vEnd, col);
    s.range = [i, vEnd, end];
    return s;
  }

  /** True while the value being read belongs to a mapping (a sequence may then share its column). */
  private inMap = false;

  /** A block node starting at offset `at` (column `ind`) on line `l`: a sequence or a mapping. */
  private blockNode(l: number, at: number, ind: number, parent: number): YAMLMap | YAMLSeq {
    if (this.text.charCodeAt(at) === 45 && this.isSeqIndicator(at)) return this.blockSeq(l, at, ind, parent);
    return this.blockMap(l, at, ind, parent);
  }

  /** A block sequence whose first `-` is at `at` (column `col`) on line `l`. */
  private blockSeq(l: number, at: number, col: number, parent: number): YAMLSeq {
    const seq = new YAMLSeq();
    const start = at;
    let end = at;
    let first = true;
    const saved = this.inMap;
    this.inMap = false;
    try {
      for (;;) {
        if (!first) {
          const next = this.nextItemLine(col, parent);
          if (next < 0) break;
          l = next;
          at = this.starts[l] + col;
          if (!(this.text.charCodeAt(at) === 45 && this.isSeqIndicator(at))) {
            if (saved) break; // a key of the mapping this sequence sits in, at the same column
            throw BAIL;
          }
        }
        first = false;
        const item = this.seqItem(l, at, col);
        seq.items.push(item);
        end = (item as { range: [number, number, number] }).range[2];
      }
    } finally {
      this.inMap = saved;
    }
    seq.range = [start, end, end];
    return seq;
  }

  /** The item after the `-` at `at` (column `col`) on line `l`. */
  private seqItem(l: number, at: number, col: number): unknown {
    const lineEnd = this.ends[l];
    let i = at + 1;
    while (i < lineEnd && this.text.charCodeAt(i) === 32) i++;
    if (i < lineEnd) {
      const c = this.text[i];
      if (c === "-" && this.isSeqIndicator(i)) throw BAIL; // - - compact nested sequence
      if (c !== "#" && c !== "|" && c !== ">" && c !== "[" && this.startsMapEntry(i, lineEnd)) {
        // a compact mapping: its keys sit at the column of its first key
        this.line = l;
        return this.blockMap(l, i, i - this.starts[l], col);
      }
    }
    return this.valueAfter(l, at + 1, col);
  }

  /** Whether a mapping entry (`key:` followed by a space or the line's end) starts at `i`. */
  private startsMapEntry(i: number, lineEnd: number): boolean {
    const c0 = this.text[i];
    if (c0 === '"' || c0 === "'") {
      const close = this.text.indexOf(c0, i + 1);
      if (close < 0 || close >= lineEnd) return false;
      let k = close + 1;
      while (k < lineEnd && this.text.charCodeAt(k) === 32) k++;
      return this.text.charCodeAt(k) === 58;
    }
    for (let k = i; k < lineEnd; k++) {
      const c = this.text.charCodeAt(k);
      if (c === 35 && this.text.charCodeAt(k - 1) === 32) return false;
      if (c === 58 && (k + 1 === lineEnd || this.text.charCodeAt(k + 1) === 32)) return true;
    }
    return false;
  }

  /**
   * After a one-line value ending at `from` on line `l`: only spaces and a comment may follow, and
   * no deeper line (yaml would fold it into the value or call it an error). Returns the node's end.
   */
  private trailing(l: number, from: number, col: number): number {
    const lineEnd = this.ends[l];
    let i = from;
    while (i < lineEnd && this.text.charCodeAt(i) === 32) i++;
    if (i < lineEnd && !(this.text.charCodeAt(i) === 35 && i > from)) throw BAIL;
    const next = this.nextContent(l + 1);
    if (next < this.indents.length && this.indents[next] > col) throw BAIL;
    // a comment line deeper than the collection extends the value's range in yaml
    if (this.commentLineBetween(l + 1, next, col + 1)) throw BAIL;
    this.line = l + 1;
    return this.afterLine(l);
  }

  /** A one-line quoted scalar starting at `at`; escapes and line breaks are left to yaml. */
  private quoted(at: number, lineEnd: number): { scalar: Scalar; end: number } {
    const q = this.text[at];
    let value = "";
    let k = at + 1;
    for (;;) {
      const close = this.text.indexOf(q, k);
      if (close < 0 || close >= lineEnd) throw BAIL;
      if (q === '"') {
        const part = this.text.slice(k, close);
        if (part.includes("\\")) throw BAIL;
        value += part;
        k = close + 1;
        break;
      }
      value += this.text.slice(k, close);
      if (this.text[close + 1] === "'") {
        value += "'";
        k = close + 2;
        continue;
      }
      k = close + 1;
      break;
    }
    const s = new Scalar(this.strTag.resolve(value, bail, this.options));
    this.finishScalar(s, value, q === '"' ? "QUOTE_DOUBLE" : "QUOTE_SINGLE", 0, 0, 0, this.strTag);
    return { scalar: s, end: k };
  }

  /** A plain scalar's node: yaml's core schema decides null, boolean, number or string. */
  private plainScalar(src: string): Scalar {
    let tag = this.strTag;
    for (const t of this.tags) {
      if (t.test!.test(src)) {
        tag = t;
        break;
      }
    }
    const res = tag.resolve(src, bail, this.options);
    const s = isScalar(res) ? res : new Scalar(res);
    this.finishScalar(s, src, "PLAIN", 0, 0, 0, tag);
    return s;
  }

  private finishScalar(s: Scalar, source: string, type: Scalar.Type, a: number, b: number, c: number, tag?: ScalarTag): void {
    s.range = [a, b, c];
    (s as { source?: string }).source = source;
    s.type = type;
    if (tag?.format) s.format = tag.format;
  }

  /** A literal (`|`) or folded (`>`) block scalar whose header is at `at` on line `l`. */
  private blockScalar(l: number, at: number, col: number): Scalar {
    const lineEnd = this.ends[l];
    const folded = this.text[at] === ">";
    let k = at + 1;
    let strip = false;
    if (this.text[k] === "-") {
      strip = true;
      k++;
    }
    // a header comment is fine; explicit indentation, keep chomping and anything else go to yaml
    let h = k;
    while (h < lineEnd && this.text.charCodeAt(h) === 32) h++;
    if (h < lineEnd && !(this.text.charCodeAt(h) === 35 && h > k)) throw BAIL;
    // the content: lines deeper than the parent, blank ones included
    const lines: string[] = [];
    let indent = -1;
    let last = l; // the last content line
    let m = l + 1;
    for (; m < this.starts.length; m++) {
      const s = this.starts[m];
      const e = this.ends[m];
      let sp = s;
      while (sp < e && this.text.charCodeAt(sp) === 32) sp++;
      if (sp === e) {
        if (e > s) throw BAIL; // a line of spaces only: yaml's rules for it are subtle
        lines.push("");
        continue;
      }
      const ind = sp - s;
      if (indent < 0) {
        if (ind <= col) break;
        indent = ind;
      } else if (ind < indent) {
        if (ind > col) throw BAIL;
        break;
      }
      lines.push(this.text.slice(s + indent, e));
      last = m;
    }
    // trailing blank lines are not part of the node (nor, clipped or stripped, of the value)
    const content = lines.slice(0, indent < 0 ? 0 : last - l);
    if (indent < 0) {
      // no content line at all
      if (content.length > 0) throw BAIL;
    }
    if (content.some((x, i) => x === "" && i === 0)) throw BAIL; // leading blank lines: left to yaml
    let value: string;
    if (!folded) value = content.join("\n");
    else {
      if (content.some((x) => x.startsWith(" "))) throw BAIL; // more-indented lines fold differently
      value = "";
      let blanks = 0;
      for (let i = 0; i < content.length; i++) {
        const x = content[i];
        if (x === "") {
          blanks++;
          continue;
        }
        if (i > 0) value += blanks > 0 ? "\n".repeat(blanks) : " ";
        blanks = 0;
        value += x;
      }
    }
    const end = indent < 0 ? this.afterLine(l) : this.afterLine(last);
    // clipped: one final line break, even where the text ends without one (as yaml reads it)
    if (!strip && content.length > 0) value += "\n";
    const s = new Scalar(this.strTag.resolve(value, bail, this.options));
    this.finishScalar(s, value, folded ? "BLOCK_FOLDED" : "BLOCK_LITERAL", at, end, end, this.strTag);
    this.line = indent < 0 ? l + 1 : last + 1;
    return s;
  }

  /** A one-line flow sequence of plain or quoted scalars, `[a, "b", c]`, starting at `at`. */
  private flowSeq(l: number, at: number, col: number): YAMLSeq {
    const lineEnd = this.ends[l];
    const seq = new YAMLSeq();
    seq.flow = true;
    let i = at + 1;
    const skip = () => {
      while (i < lineEnd && this.text.charCodeAt(i) === 32) i++;
    };
    skip();
    if (this.text[i] === "]") i++;
    else {
      for (;;) {
        skip();
        const c = this.text[i];
        let item: Scalar;
        if (c === '"' || c === "'") {
          const q = this.quoted(i, lineEnd);
          q.scalar.range = [i, q.end, q.end];
          item = q.scalar;
          i = q.end;
        } else {
          if (i >= lineEnd || INDICATOR_START.has(c) || ((c === "-" || c === "?" || c === ":") && /[\s,\]]/.test(this.text[i + 1] ?? " "))) throw BAIL;
          let e = i;
          for (; e < lineEnd; e++) {
            const ch = this.text[e];
            if (ch === "," || ch === "]" || ch === "[" || ch === "{" || ch === "}") break;
            if (ch === ":" || ch === "#") throw BAIL;
          }
          let vEnd = e;
          while (vEnd > i && this.text.charCodeAt(vEnd - 1) === 32) vEnd--;
          item = this.plainScalar(this.text.slice(i, vEnd));
          item.range = [i, vEnd, vEnd];
          i = vEnd;
        }
        seq.items.push(item);
        skip();
        const sep = this.text[i];
        if (sep === ",") {
          i++;
          skip();
          if (this.text[i] === "]") throw BAIL; // a trailing comma: left to yaml
          continue;
        }
        if (sep === "]") {
          i++;
          break;
        }
        throw BAIL;
      }
    }
    const end = this.trailing(l, i, col);
    seq.range = [at, i, end];
    return seq;
  }
}

function bail(): never {
  throw BAIL;
}

/**
 * The document yaml would compose for `text` (with `options`), or null when the text is outside the
 * fast path's subset and yaml must parse it.
 */
export function parseFast(text: string, options: Options): Document.Parsed | null {
  if (text.includes("\t") || text.includes("\r") || text.charCodeAt(0) === 0xfeff) return null;
  const doc = new Document(undefined, options);
  try {
    const root = new LineParser(text, doc).parse();
    doc.contents = root as never;
    const r = root.range!;
    (doc as { range?: [number, number, number] }).range = [r[0], r[2], r[2]];
    return doc as unknown as Document.Parsed;
  } catch (e) {
    if (e instanceof Bail) return null;
    throw e;
  }
}
