/**
 * Tokenizer and parser for the GitHub Actions expression language.
 * Precedence (high to low): grouping, property/index, `!`, `< <= > >=`, `== !=`, `&&`, `||`.
 * Nesting is bounded so hostile input (10,000 parentheses) fails as a parse error, not a stack overflow.
 */

export type BinOp = "||" | "&&" | "==" | "!=" | "<" | "<=" | ">" | ">=";

export type Node =
  | { k: "lit"; value: null | boolean | number | string }
  | { k: "ctx"; name: string }
  | { k: "prop"; obj: Node; name: string }
  | { k: "index"; obj: Node; index: Node }
  | { k: "star"; obj: Node }
  | { k: "not"; arg: Node }
  | { k: "bin"; op: BinOp; left: Node; right: Node }
  | { k: "call"; name: string; args: Node[] };

export class ExprSyntaxError extends Error {}

/** Deeper trees are treated as unparseable (their text stays an unresolved token). */
export const MAX_DEPTH = 100;
const MAX_LENGTH = 20_000;

type Tok =
  | { t: "num"; v: number }
  | { t: "str"; v: string }
  | { t: "id"; v: string }
  | { t: "p"; v: string };

const PUNCT2 = ["<=", ">=", "==", "!=", "&&", "||"];
const PUNCT1 = "()[].,!<>*";
const ID_START = /[A-Za-z_]/;
const ID_CHAR = /[A-Za-z0-9_-]/;
const NUM_RE = /^[-+]?(?:0x[0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/;

export function tokenize(src: string): Tok[] {
  if (src.length > MAX_LENGTH) throw new ExprSyntaxError("expression too long");
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      let s = "";
      i++;
      for (;;) {
        if (i >= src.length) throw new ExprSyntaxError("unterminated string");
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src[i++];
      }
      out.push({ t: "str", v: s });
      continue;
    }
    const prev = out[out.length - 1];
    // A number may start with a sign or a dot, but `a.b` / `a.5` after a value is a dereference.
    const afterValue = prev !== undefined && (prev.t === "id" || (prev.t === "p" && (prev.v === ")" || prev.v === "]" || prev.v === "*")));
    if (/[0-9]/.test(c) || ((c === "-" || c === "+" || c === ".") && !afterValue)) {
      const m = NUM_RE.exec(src.slice(i));
      if (m) {
        const text = m[0];
        const neg = text.startsWith("-");
        const body = text.replace(/^[-+]/, "");
        const v = /^0x/i.test(body) ? parseInt(body.slice(2), 16) : Number(body);
        out.push({ t: "num", v: neg ? -v : v });
        i += text.length;
        continue;
      }
    }
    if (ID_START.test(c)) {
      let j = i + 1;
      while (j < src.length && ID_CHAR.test(src[j])) j++;
      out.push({ t: "id", v: src.slice(i, j) });
      i = j;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (PUNCT2.includes(two)) {
      out.push({ t: "p", v: two });
      i += 2;
      continue;
    }
    if (PUNCT1.includes(c)) {
      out.push({ t: "p", v: c });
      i++;
      continue;
    }
    throw new ExprSyntaxError(`unexpected character ${JSON.stringify(c)}`);
  }
  return out;
}

const KEYWORDS: Record<string, null | boolean | number> = {
  true: true,
  false: false,
  null: null,
  nan: NaN,
  infinity: Infinity,
};

class Parser {
  private pos = 0;
  private nest = 0;
  constructor(private readonly toks: Tok[]) {}

  parseAll(): Node {
    const n = this.parseOr();
    if (this.pos < this.toks.length) throw new ExprSyntaxError("unexpected token after expression");
    return n;
  }

  private peekP(v: string): boolean {
    const t = this.toks[this.pos];
    return t !== undefined && t.t === "p" && t.v === v;
  }

  private expectP(v: string): void {
    if (!this.peekP(v)) throw new ExprSyntaxError(`expected ${v}`);
    this.pos++;
  }

  private enter(): void {
    if (++this.nest > MAX_DEPTH) throw new ExprSyntaxError("expression nested too deeply");
  }

  private parseOr(): Node {
    this.enter();
    let left = this.parseAnd();
    while (this.peekP("||")) {
      this.pos++;
      left = this.bin("||", left, this.parseAnd());
    }
    this.nest--;
    return left;
  }

  private parseAnd(): Node {
    let left = this.parseEq();
    while (this.peekP("&&")) {
      this.pos++;
      left = this.bin("&&", left, this.parseEq());
    }
    return left;
  }

  private parseEq(): Node {
    let left = this.parseCmp();
    for (;;) {
      const t = this.toks[this.pos];
      if (t?.t !== "p" || (t.v !== "==" && t.v !== "!=")) return left;
      this.pos++;
      left = this.bin(t.v, left, this.parseCmp());
    }
  }

  private parseCmp(): Node {
    let left = this.parseUnary();
    for (;;) {
      const t = this.toks[this.pos];
      if (t?.t !== "p" || !["<", "<=", ">", ">="].includes(t.v)) return left;
      this.pos++;
      left = this.bin(t.v as BinOp, left, this.parseUnary());
    }
  }

  /** Left-deep chains (`a || b || …`) also count against the depth bound: evaluation recurses on them. */
  private chain = 0;
  private bin(op: BinOp, left: Node, right: Node): Node {
    if (++this.chain > MAX_DEPTH * 10) throw new ExprSyntaxError("expression too long");
    return { k: "bin", op, left, right };
  }

  private parseUnary(): Node {
    if (this.peekP("!")) {
      this.pos++;
      this.enter();
      const arg = this.parseUnary();
      this.nest--;
      return { k: "not", arg };
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Node {
    let node = this.parsePrimary();
    let steps = 0;
    for (;;) {
      if (++steps > MAX_DEPTH) throw new ExprSyntaxError("property chain too long");
      if (this.peekP(".")) {
        this.pos++;
        const t = this.toks[this.pos++];
        if (t?.t === "id") node = { k: "prop", obj: node, name: t.v.toLowerCase() };
        else if (t?.t === "p" && t.v === "*") node = { k: "star", obj: node };
        else if (t?.t === "num" && Number.isInteger(t.v) && t.v >= 0) node = { k: "prop", obj: node, name: String(t.v) };
        else throw new ExprSyntaxError("expected property name");
      } else if (this.peekP("[")) {
        this.pos++;
        if (this.peekP("*")) {
          this.pos++;
          node = { k: "star", obj: node };
        } else {
          node = { k: "index", obj: node, index: this.parseOr() };
        }
        this.expectP("]");
      } else {
        return node;
      }
    }
  }

  private parsePrimary(): Node {
    const t = this.toks[this.pos++];
    if (t === undefined) throw new ExprSyntaxError("unexpected end of expression");
    if (t.t === "num" || t.t === "str") return { k: "lit", value: t.v };
    if (t.t === "p" && t.v === "(") {
      const inner = this.parseOr();
      this.expectP(")");
      return inner;
    }
    if (t.t === "id") {
      if (this.peekP("(")) {
        this.pos++;
        this.enter();
        const args: Node[] = [];
        if (!this.peekP(")")) {
          for (;;) {
            args.push(this.parseOr());
            if (this.peekP(",")) {
              this.pos++;
              continue;
            }
            break;
          }
        }
        this.expectP(")");
        this.nest--;
        return { k: "call", name: t.v.toLowerCase(), args };
      }
      const lower = t.v.toLowerCase();
      if (lower in KEYWORDS) return { k: "lit", value: KEYWORDS[lower] };
      return { k: "ctx", name: lower };
    }
    throw new ExprSyntaxError(`unexpected ${t.v}`);
  }
}

/** Parses one expression (the text between `${{` and `}}`). Throws ExprSyntaxError. */
export function parseExpression(src: string): Node {
  return new Parser(tokenize(src)).parseAll();
}
