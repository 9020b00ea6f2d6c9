/** Option parsing shared by the command recognisers: `--name=value`, `--name value`, `-abc`, `-tvalue`. */
import type { Word } from "./tokenize";

export interface Flag {
  name: string;
  value?: Word;
}

/**
 * A sub-word starting `rawAt` characters into the raw text and `textAt` into the expanded text (`x` of
 * `--tag=x`, `ref` of `docker://ref`), keeping raw/text/offsets consistent. When the whole word is one
 * quoted string (`"docker://x"`), the closing quote is left out so the sub-word's characters are its own.
 */
export function after(w: Word, rawAt: number, textAt: number): Word {
  const quoted = rawAt > 0 && /^(["'])[^"']*\1$/.test(w.raw);
  const rawEnd = quoted ? w.raw.length - 1 : w.raw.length;
  return { raw: w.raw.slice(rawAt, rawEnd), text: w.text.slice(textAt), start: w.start + rawAt, end: w.end - (w.raw.length - rawEnd) };
}

export function parseFlags(words: Word[], valueFlags: Set<string>): { flags: Flag[]; positionals: Word[] } {
  const flags: Flag[] = [];
  const positionals: Word[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const t = w.text;
    if (t === "--") {
      positionals.push(...words.slice(i + 1));
      break;
    }
    if (t.startsWith("--") && t.length > 2) {
      const eq = t.indexOf("=");
      if (eq > 0) {
        const rawEq = w.raw.indexOf("=");
        flags.push({ name: t.slice(0, eq), value: after(w, rawEq + 1, eq + 1) });
      } else if (valueFlags.has(t)) {
        flags.push({ name: t, value: words[i + 1] });
        i++;
      } else flags.push({ name: t });
    } else if (t.startsWith("-") && t.length > 1 && !t.startsWith("${{")) {
      // A cluster of short flags (`-it`); the first one that takes a value eats the rest or the next word.
      for (let k = 1; k < t.length; k++) {
        const name = `-${t[k]}`;
        if (!valueFlags.has(name)) {
          flags.push({ name });
          continue;
        }
        if (k + 1 < t.length) {
          const rawAt = w.raw.startsWith(t.slice(0, k + 1)) ? k + 1 : 0;
          const textAt = t[k + 1] === "=" ? k + 2 : k + 1;
          flags.push({ name, value: after(w, rawAt + (t[k + 1] === "=" ? 1 : 0), textAt) });
        } else {
          flags.push({ name, value: words[i + 1] });
          i++;
        }
        break;
      }
    } else positionals.push(w);
  }
  return { flags, positionals };
}

export function values(flags: Flag[], ...names: string[]): Word[] {
  return flags.filter((f) => names.includes(f.name) && f.value).map((f) => f.value!);
}

export function boolFlag(flags: Flag[], name: string): boolean {
  let on = false;
  for (const f of flags) {
    if (f.name !== name) continue;
    on = f.value ? f.value.text.toLowerCase() !== "false" : true;
  }
  return on;
}

export function skipGlobals(words: Word[], from: number, valueFlags: Set<string>): number {
  let i = from;
  while (i < words.length && words[i].text.startsWith("-")) {
    const t = words[i].text;
    i += valueFlags.has(t) ? 2 : 1;
  }
  return i;
}

const PREFIX_WORDS = new Set(["sudo", "exec", "time", "command", "then", "do", "else", "if", "elif", "while", "until", "!", "{", "}", "nohup"]);

/** Drop leading `NAME=value`, `sudo`, shell keywords, and `env [-i] NAME=value`. */
export function commandStart(words: Word[]): number {
  let i = 0;
  while (i < words.length) {
    const t = words[i].text;
    if (PREFIX_WORDS.has(t) || t === "env" || /^[A-Za-z_][A-Za-z0-9_]*=/.test(t)) i++;
    else if (i > 0 && (words[i - 1].text === "sudo" || words[i - 1].text === "env") && t.startsWith("-")) i++;
    else break;
  }
  return i;
}

/** The program a word names: `docker` for `/usr/bin/docker`. */
export function programName(w: Word): string {
  return w.text.split("/").pop() ?? "";
}
