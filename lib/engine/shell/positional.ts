/**
 * `shift` and `set --` change the positional parameters later commands of a script see. The tokenizer reads
 * its `args` array at each expansion, so applying these to that array between commands is enough.
 */
import type { Word } from "./tokenize";

/**
 * Apply `shift [n]`, `set -- a b` or `set a b` to `args` in place. True when the command was one of them
 * (even when it changed nothing, like `set -e`), so the caller can skip it.
 */
export function applyPositional(words: readonly Word[], args: string[]): boolean {
  const head = words[0]?.text;
  if (head === "shift") {
    const n = words[1] === undefined ? 1 : Number(words[1].text);
    // Bash refuses to shift past the end (and leaves the parameters alone); so do we.
    if (Number.isInteger(n) && n >= 0 && n <= args.length) args.splice(0, n);
    return true;
  }
  if (head !== "set") return false;
  let k = 1;
  let reset = false;
  // Options (`-e`, `-o pipefail`, `+x`) come first; `--` or the first non-option starts the new list.
  while (k < words.length && !reset) {
    const t = words[k].text;
    if (t === "--" || t === "-") reset = true;
    // `-o pipefail`, also inside a cluster (`-euo pipefail`): the option name is not an argument.
    else if (/^[-+][A-Za-z]*o$/.test(t)) k++;
    else if (!/^[-+][A-Za-z]+$/.test(t)) break;
    k++;
  }
  if (reset || k < words.length) args.splice(0, args.length, ...words.slice(k).map((w) => w.text));
  return true;
}
