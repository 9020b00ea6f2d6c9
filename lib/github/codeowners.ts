/**
 * GitHub CODEOWNERS: which team owns a repository's workflows. GitHub reads the first of
 * `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS` that exists; each line is a gitignore-style
 * pattern and its owners (`@user`, `@org/team`, an email), and the last matching line wins. A line
 * with a pattern and no owners takes ownership away. Negation (`!`) and `[ ]` ranges do not exist.
 */

/** Where GitHub looks, in its order: the first that exists is used. */
export const CODEOWNERS_PATHS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;

export const WORKFLOWS_DIR = ".github/workflows";

export interface CodeownersRule {
  pattern: string;
  owners: string[];
  line: number;
}

export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    // `\#` starts a pattern with a hash; an unescaped `#` starts a comment
    const line = raw.replace(/(^|[^\\])#.*$/, "$1").trim();
    if (!line) return;
    const parts = line.split(/\s+/);
    const pattern = parts[0].replace(/\\#/g, "#").replace(/\\ /g, " ");
    if (pattern.startsWith("!") || /\[.*\]/.test(pattern)) return; // GitHub ignores such lines
    rules.push({ pattern, owners: parts.slice(1).filter((o) => o.startsWith("@") || o.includes("@")), line: i + 1 });
  });
  return rules;
}

function toRegex(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      const before = i === 0 || glob[i - 1] === "/";
      const after = i + 2 === glob.length || glob[i + 2] === "/";
      if (before && after) {
        // `**/` any directories (none included), a trailing `/**` everything inside
        if (i + 2 === glob.length) out += ".*";
        else {
          out += "(?:.*/)?";
          i++;
        }
        i++;
        continue;
      }
      out += "[^/]*";
      i++;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return out;
}

/** Does a CODEOWNERS pattern match this file (itself, or a directory it is in)? */
export function patternMatches(pattern: string, file: string): boolean {
  let p = pattern;
  const dirOnly = p.endsWith("/");
  if (dirOnly) p = p.replace(/\/+$/, "");
  if (!p) return false;
  // a slash at the start or in the middle anchors the pattern at the root; otherwise it matches at any depth
  const anchored = p.includes("/");
  p = p.replace(/^\/+/, "");
  const re = new RegExp(anchored ? `^${toRegex(p)}$` : `^(?:.*/)?${toRegex(p)}$`);
  const segments = file.split("/");
  const dirs = segments.slice(0, -1).map((_, i) => segments.slice(0, i + 1).join("/"));
  return [...dirs, ...(dirOnly ? [] : [file])].some((c) => re.test(c));
}

export interface WorkflowOwners {
  /** the owners of the last rule matching the workflows (empty when that rule names none) */
  owners: string[];
  /** the first `@org/team` among them, as the team's slug */
  team: string | null;
  /** the line of that rule */
  line: number;
}

/**
 * The owners CODEOWNERS gives `.github/workflows/`: the last rule matching the directory or one of
 * the workflow files in it (`files`; a sample file when the repository lists none). Null when no rule does.
 */
export function workflowOwners(text: string, files: readonly string[] = []): WorkflowOwners | null {
  const candidates = files.length > 0 ? files : [`${WORKFLOWS_DIR}/ci.yml`];
  let last: CodeownersRule | null = null;
  for (const r of parseCodeowners(text)) if (candidates.some((f) => patternMatches(r.pattern, f))) last = r;
  if (!last) return null;
  const team = last.owners.map((o) => /^@[^/\s]+\/([^/\s]+)$/.exec(o)?.[1]).find((t) => t !== undefined) ?? null;
  return { owners: last.owners, team, line: last.line };
}
