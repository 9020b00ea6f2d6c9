/**
 * Parameter expansion for the shell tokenizer: `$VAR`, `${VAR}`, `${VAR:-default}`, positional parameters,
 * and the opaque tokens for whatever only the run knows (`$(…)`, `$?`, `${VAR#x}`).
 */

export interface ExpandOptions {
  lookup: (name: string) => string | undefined;
  /** `$1…`, `$#`, `$@`, `$*`; undefined keeps them opaque (a step script has no arguments we know) */
  args?: string[];
}

export interface Expansion {
  /** the characters the expansion stands for */
  text: string;
  /** index just past the expansion in the script */
  next: number;
  /**
   * Set by `$@` (and unquoted `$*`): one field per argument. The first joins the text before it in the
   * word, the last the text after it; with no arguments the expansion contributes no field at all.
   */
  fields?: string[];
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;

/** The token that stands for a variable nobody knows; matches how `${{ env.X }}` stays opaque. */
export function unknownVarToken(name: string): string {
  return `\${{ env.${name} }}`;
}

export function opaqueShell(raw: string): string {
  const inner = raw.replace(/[{}]/g, "").replace(/\s+/g, " ").trim().slice(0, 120);
  return `\${{ shell(${inner}) }}`;
}

/** Index just past the `)` matching the `(` at `open`, honouring quotes; the end of input if none. */
export function skipParens(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") i++;
    else if (c === "'") {
      const q = s.indexOf("'", i + 1);
      i = q < 0 ? s.length : q;
    } else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i + 1;
  }
  return s.length;
}

/** Index just past the `}` closing the `${` at `at`, so `${A:-${B}}` is one expansion. */
function skipBraces(s: string, at: number): number {
  let depth = 0;
  for (let i = at; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") i++;
    else if (c === "'" && depth > 0 && i > at + 2) {
      const q = s.indexOf("'", i + 1);
      i = q < 0 ? s.length : q;
    } else if (c === "$" && s[i + 1] === "{") {
      depth++;
      i++;
    } else if (c === "}" && --depth === 0) return i + 1;
  }
  return s.length;
}

/**
 * Expands the `$` at `script[at]` (see expand()). A class, not closures made per script: the tokenizer
 * builds one per script, and under tsx's keepNames every closure made per call costs a name definition.
 */
export class Expander {
  private readonly n: number;

  constructor(
    private readonly script: string,
    private readonly opts: ExpandOptions,
  ) {
    this.n = script.length;
  }

  /** A positional or special parameter, when arguments are known; undefined when it stays opaque. */
  private positional(name: string, quoted: boolean): { value: string | undefined; fields?: string[] } | null {
    const args = this.opts.args;
    if (!args) return null;
    if (/^[1-9][0-9]*$/.test(name)) return { value: args[Number(name) - 1] };
    if (name === "#") return { value: String(args.length) };
    if (name === "@" || (name === "*" && !quoted)) return { value: args.join(" "), fields: [...args] };
    if (name === "*") return { value: args.join(" ") };
    return null;
  }

  /** The default of `${X:-…}`, as the shell expands it: quotes removed, nested expansions done. */
  private defaultText(from: number, to: number): string {
    const script = this.script;
    let out = "";
    let dq = false;
    for (let j = from; j < to; ) {
      const c = script[j];
      if (c === "\\" && j + 1 < to) {
        out += script[j + 1];
        j += 2;
      } else if (c === '"') {
        dq = !dq;
        j++;
      } else if (c === "'" && !dq) {
        const q = script.indexOf("'", j + 1);
        const end = q < 0 || q > to ? to : q;
        out += script.slice(j + 1, end);
        j = end + 1;
      } else if (c === "$") {
        const x = this.expand(j, true);
        out += x.text;
        j = Math.min(x.next, to);
      } else {
        out += c;
        j++;
      }
    }
    return out;
  }

  expand(at: number, quoted: boolean): Expansion {
    const { script, n, opts } = this;
    if (script.startsWith("${{", at)) {
      const close = script.indexOf("}}", at + 3);
      const end = close < 0 ? n : close + 2;
      return { text: script.slice(at, end), next: end };
    }
    const c = script[at + 1];
    if (c === "(") {
      const end = skipParens(script, at + 1);
      return { text: opaqueShell(script.slice(at, end)), next: end };
    }
    if (c === "{") {
      const end = skipBraces(script, at);
      const body = script.slice(at + 2, end - 1);
      const m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#])(.*)$/s.exec(body);
      if (m) {
        const pos = this.positional(m[1], quoted);
        if (pos || /^[A-Za-z_]/.test(m[1])) {
          const known = pos ? pos.value : opts.lookup(m[1]);
          if (m[2] === "") {
            if (pos?.fields) return { text: pos.value ?? "", next: end, fields: pos.fields };
            if (pos) return { text: known ?? "", next: end };
            return { text: known ?? unknownVarToken(m[1]), next: end };
          }
          const dflt = /^(:?)[-=]/.exec(m[2]);
          if (dflt && !pos?.fields) {
            const from = at + 2 + m[1].length + dflt[0].length;
            // A known value wins; an env variable we do not know is taken as unset (the script's own default).
            const useDefault = known === undefined || (dflt[1] === ":" && known === "");
            return { text: useDefault ? this.defaultText(from, end - 1) : known, next: end };
          }
        }
      }
      return { text: opaqueShell(script.slice(at, end)), next: end };
    }
    IDENT.lastIndex = at + 1;
    const m = IDENT.exec(script);
    if (m) {
      const known = opts.lookup(m[0]);
      return { text: known ?? unknownVarToken(m[0]), next: at + 1 + m[0].length };
    }
    if (c !== undefined && /[0-9@*#?$!-]/.test(c)) {
      const pos = this.positional(c, quoted);
      if (pos) return { text: pos.value ?? "", next: at + 2, ...(pos.fields ? { fields: pos.fields } : {}) };
      return { text: opaqueShell(script.slice(at, at + 2)), next: at + 2 };
    }
    return { text: "$", next: at + 1 };
  }
}
