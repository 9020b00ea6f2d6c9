/**
 * A parser for the part of HCL's expression and template language that bake files use in practice.
 * hcl2json hands every non-literal attribute back as a `${...}` template string, so the bake resolver
 * needs to read those templates itself. Anything beyond this subset (for expressions, `%{}` directives,
 * splats) parses to an `unsupported` node, which evaluates to an opaque unknown value.
 */

export type Node =
  | { k: "lit"; v: string | number | boolean | null; src: string }
  | { k: "tpl"; parts: Array<string | Node>; src: string }
  | { k: "var"; name: string; src: string }
  | { k: "get"; obj: Node; key: string | Node; src: string }
  | { k: "call"; fn: string; args: Node[]; src: string }
  | { k: "list"; items: Node[]; src: string }
  | { k: "obj"; fields: Array<{ key: string; value: Node }>; src: string }
  | { k: "cond"; test: Node; yes: Node; no: Node; src: string }
  | { k: "bin"; op: string; l: Node; r: Node; src: string }
  | { k: "un"; op: string; e: Node; src: string }
  | { k: "unsupported"; src: string };

class ParseFail extends Error {}

const BIN_LEVELS: string[][] = [["||"], ["&&"], ["==", "!="], ["<=", ">=", "<", ">"], ["+", "-"], ["*", "/", "%"]];

class Parser {
  pos = 0;
  constructor(readonly s: string) {}

  ws(): void {
    for (;;) {
      const c = this.s[this.pos];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") this.pos++;
      else if (c === "#" || (c === "/" && this.s[this.pos + 1] === "/")) {
        while (this.pos < this.s.length && this.s[this.pos] !== "\n") this.pos++;
      } else if (c === "/" && this.s[this.pos + 1] === "*") {
        const end = this.s.indexOf("*/", this.pos + 2);
        this.pos = end < 0 ? this.s.length : end + 2;
      } else return;
    }
  }

  eat(tok: string): boolean {
    this.ws();
    if (this.s.startsWith(tok, this.pos)) {
      this.pos += tok.length;
      return true;
    }
    return false;
  }

  expect(tok: string): void {
    if (!this.eat(tok)) throw new ParseFail(`expected ${tok} at ${this.pos}`);
  }

  expr(): Node {
    const start = this.pos;
    const test = this.bin(0);
    this.ws();
    if (this.s[this.pos] === "?") {
      this.pos++;
      const yes = this.expr();
      this.expect(":");
      const no = this.expr();
      return { k: "cond", test, yes, no, src: this.s.slice(start, this.pos).trim() };
    }
    return test;
  }

  bin(level: number): Node {
    if (level >= BIN_LEVELS.length) return this.unary();
    const start = this.pos;
    let l = this.bin(level + 1);
    for (;;) {
      this.ws();
      const op = BIN_LEVELS[level].find((o) => this.s.startsWith(o, this.pos));
      // `=` after `<`/`>` handled by ordering; a lone `=` or `=>` is not an operator here.
      if (!op || (op === "<" && this.s[this.pos + 1] === "<")) return l;
      this.pos += op.length;
      const r = this.bin(level + 1);
      l = { k: "bin", op, l, r, src: this.s.slice(start, this.pos).trim() };
    }
  }

  unary(): Node {
    this.ws();
    const start = this.pos;
    const c = this.s[this.pos];
    if (c === "!" || (c === "-" && !/[0-9]/.test(this.s[this.pos + 1] ?? ""))) {
      this.pos++;
      const e = this.unary();
      return { k: "un", op: c, e, src: this.s.slice(start, this.pos) };
    }
    return this.postfix();
  }

  postfix(): Node {
    const start = this.pos;
    let n = this.primary();
    for (;;) {
      if (this.s[this.pos] === "." && /[A-Za-z_]/.test(this.s[this.pos + 1] ?? "")) {
        this.pos++;
        const key = this.ident();
        n = { k: "get", obj: n, key, src: this.s.slice(start, this.pos) };
      } else if (this.s[this.pos] === "." && /[0-9]/.test(this.s[this.pos + 1] ?? "")) {
        this.pos++;
        const m = /^[0-9]+/.exec(this.s.slice(this.pos));
        this.pos += m ? m[0].length : 0;
        n = { k: "get", obj: n, key: m ? m[0] : "0", src: this.s.slice(start, this.pos) };
      } else if (this.s[this.pos] === "[" ) {
        this.pos++;
        if (this.eat("*")) {
          this.expect("]");
          n = { k: "unsupported", src: this.s.slice(start, this.pos) };
          continue;
        }
        const key = this.expr();
        this.expect("]");
        n = { k: "get", obj: n, key, src: this.s.slice(start, this.pos) };
      } else return n;
    }
  }

  ident(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.s.slice(this.pos));
    if (!m) throw new ParseFail(`expected identifier at ${this.pos}`);
    this.pos += m[0].length;
    return m[0];
  }

  primary(): Node {
    this.ws();
    const start = this.pos;
    const c = this.s[this.pos];
    if (c === undefined) throw new ParseFail("unexpected end of expression");
    if (c === '"') {
      this.pos++;
      return this.template('"', start);
    }
    if (c === "<" && this.s.startsWith("<<", this.pos)) return this.heredoc();
    const num = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.s.slice(this.pos));
    if (num) {
      this.pos += num[0].length;
      return { k: "lit", v: Number(num[0]), src: num[0] };
    }
    if (c === "(") {
      this.pos++;
      const e = this.expr();
      this.expect(")");
      return e;
    }
    if (c === "[") return this.list();
    if (c === "{") return this.object();
    const name = this.ident();
    if (name === "true" || name === "false") return { k: "lit", v: name === "true", src: name };
    if (name === "null") return { k: "lit", v: null, src: name };
    this.ws();
    if (this.s[this.pos] === "(") {
      this.pos++;
      const args: Node[] = [];
      if (!this.eat(")")) {
        for (;;) {
          args.push(this.expr());
          this.eat("...");
          if (this.eat(")")) break;
          this.expect(",");
          if (this.eat(")")) break;
        }
      }
      return { k: "call", fn: name, args, src: this.s.slice(start, this.pos) };
    }
    return { k: "var", name, src: name };
  }

  list(): Node {
    const start = this.pos;
    this.pos++;
    this.ws();
    if (/^for\s/.test(this.s.slice(this.pos))) return this.skipBalanced(start, "[", "]");
    const items: Node[] = [];
    while (!this.eat("]")) {
      items.push(this.expr());
      if (!this.eat(",")) {
        this.expect("]");
        break;
      }
    }
    return { k: "list", items, src: this.s.slice(start, this.pos) };
  }

  object(): Node {
    const start = this.pos;
    this.pos++;
    this.ws();
    if (/^for\s/.test(this.s.slice(this.pos))) return this.skipBalanced(start, "{", "}");
    const fields: Array<{ key: string; value: Node }> = [];
    while (!this.eat("}")) {
      this.ws();
      const keyNode = this.s[this.pos] === '"' ? this.primary() : { k: "lit" as const, v: this.ident(), src: "" };
      const key = keyNode.k === "lit" ? String(keyNode.v) : keyNode.k === "tpl" ? keyNode.src : "";
      if (!this.eat("=")) this.expect(":");
      fields.push({ key, value: this.expr() });
      this.eat(",");
    }
    return { k: "obj", fields, src: this.s.slice(start, this.pos) };
  }

  /** for-expressions are not evaluated; skip them as one opaque node */
  skipBalanced(start: number, open: string, close: string): Node {
    let depth = 1;
    while (this.pos < this.s.length && depth > 0) {
      const ch = this.s[this.pos];
      if (ch === '"') {
        this.pos++;
        this.template('"', this.pos - 1);
        continue;
      }
      if (ch === open) depth++;
      else if (ch === close) depth--;
      this.pos++;
    }
    return { k: "unsupported", src: this.s.slice(start, this.pos) };
  }

  heredoc(): Node {
    const start = this.pos;
    const m = /^<<-?([A-Za-z_][A-Za-z0-9_]*)\r?\n/.exec(this.s.slice(this.pos));
    if (!m) throw new ParseFail("bad heredoc");
    const bodyStart = this.pos + m[0].length;
    const endRe = new RegExp(`^[ \\t]*${m[1]}[ \\t]*$`, "m");
    const rest = this.s.slice(bodyStart);
    const end = endRe.exec(rest);
    const body = end ? rest.slice(0, end.index) : rest;
    this.pos = bodyStart + (end ? end.index + end[0].length : rest.length);
    return { k: "lit", v: body, src: this.s.slice(start, this.pos) };
  }

  /**
   * Template text up to `close` (a quote, or end of input when close is ""). `src` of the node is the
   * text between the quotes as written, which is what a span search looks for in the file.
   */
  template(close: string, start: number): Node {
    const parts: Array<string | Node> = [];
    let buf = "";
    const contentStart = this.pos;
    while (this.pos < this.s.length) {
      const ch = this.s[this.pos];
      if (close && ch === close) break;
      if (close && ch === "\\") {
        const e = this.s[this.pos + 1];
        buf += e === "n" ? "\n" : e === "t" ? "\t" : e === "r" ? "\r" : (e ?? "");
        this.pos += 2;
        continue;
      }
      if ((ch === "$" || ch === "%") && this.s.startsWith(ch + ch + "{", this.pos)) {
        buf += ch + "{";
        this.pos += 3;
        continue;
      }
      if (ch === "$" && this.s[this.pos + 1] === "{") {
        if (buf) parts.push(buf);
        buf = "";
        this.pos += 2;
        this.eat("~");
        const e = this.expr();
        this.eat("~");
        this.expect("}");
        parts.push(e);
        continue;
      }
      if (ch === "%" && this.s[this.pos + 1] === "{") {
        // directives (%{ if }) are not evaluated: the whole template becomes unknown
        const tplEnd = close ? this.s.indexOf(close, this.pos) : this.s.length;
        this.pos = tplEnd < 0 ? this.s.length : tplEnd;
        if (close) this.pos++;
        return { k: "unsupported", src: this.s.slice(start, this.pos) };
      }
      buf += ch;
      this.pos++;
    }
    const content = this.s.slice(contentStart, this.pos);
    if (close) this.expect(close);
    if (buf) parts.push(buf);
    if (parts.length === 0) return { k: "lit", v: "", src: content };
    if (parts.length === 1 && typeof parts[0] === "string") return { k: "lit", v: parts[0], src: content };
    return { k: "tpl", parts, src: content };
  }
}

/** Parse a string hcl2json (or a JSON bake file) gave as a template; null when it does not parse. */
export function parseTemplate(s: string): Node {
  try {
    const p = new Parser(s);
    return p.template("", 0);
  } catch {
    return { k: "unsupported", src: s };
  }
}

/** Parse a bare expression (a `--set` value is never one; used for tests and variable defaults). */
export function parseExpression(s: string): Node {
  try {
    const p = new Parser(s);
    const n = p.expr();
    p.ws();
    return p.pos === s.length ? n : { k: "unsupported", src: s };
  } catch {
    return { k: "unsupported", src: s };
  }
}
