/**
 * Dockerfile `FROM` lines as image consumers: a base image that is really a cache manifest breaks the
 * build the same way `docker run` breaks. Stage names (`FROM build AS x` … `FROM x`) and `scratch` are
 * not images; `${ARG}` expands from the ARG defaults declared before the first FROM.
 */
import { spanAt } from "../span";
import type { Consumer } from "../types";

/** `Dockerfile`, `Dockerfile.prod`, `prod.Dockerfile`, `x.dockerfile`, anywhere in the tree. */
export function isDockerfilePath(path: string): boolean {
  const base = path.slice(path.lastIndexOf("/") + 1);
  return /^dockerfile(\..+)?$/i.test(base) || /\.dockerfile$/i.test(base);
}

const MAX_LINES = 20_000;

export function dockerfileConsumers(path: string, text: string, repo?: string): Consumer[] {
  const out: Consumer[] = [];
  const args = new Map<string, string>();
  const stages = new Set<string>();
  let seenFrom = false;
  let offset = 0;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length && i < MAX_LINES; i++) {
    const line = lines[i];
    const lineStart = offset;
    offset += line.length + 1;
    const arg = /^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=("?)([^"\s]*)\2)?\s*$/i.exec(line);
    if (arg && !seenFrom) {
      if (arg[3] !== undefined) args.set(arg[1], arg[3]);
      continue;
    }
    const m = /^(\s*FROM\s+)((?:--[a-z-]+=\S+\s+)*)(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(line.replace(/\r$/, ""));
    if (!m) continue;
    seenFrom = true;
    const raw = m[3];
    const start = lineStart + m[1].length + m[2].length;
    let resolved = true;
    const text2 = raw.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_s, a, dflt, b) => {
      const name = (a ?? b) as string;
      const v = args.get(name) ?? (dflt as string | undefined);
      if (v === undefined || v === "") {
        resolved = false;
        return `\${{ env.${name} }}`;
      }
      return v;
    });
    const lower = text2.toLowerCase();
    const isStage = stages.has(lower);
    if (m[4]) stages.add(m[4].toLowerCase());
    if (lower === "scratch" || isStage) continue;
    out.push({
      kind: "dockerfile-from",
      path,
      ref: { raw, text: text2, resolved, span: spanAt(path, text, start, start + raw.length) },
      ...(repo ? { repo } : {}),
    });
  }
  return out;
}
