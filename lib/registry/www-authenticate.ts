export interface AuthChallenge {
  /** lower-cased scheme, e.g. "bearer", "basic" */
  scheme: string;
  /** parameter names lower-cased, values unquoted */
  params: Record<string, string>;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Parse a WWW-Authenticate header (RFC 9110 §11.6.1): one or more challenges, each a scheme
 * followed by comma-separated auth-params whose values are tokens or quoted strings.
 * Quoted strings may contain commas (`scope="repository:a/b:pull,push"`) and `\"` escapes.
 * Never throws: malformed input yields whatever could be read.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  const n = header.length;
  let i = 0;
  let current: AuthChallenge | null = null;
  const skipWs = () => {
    while (i < n && (header[i] === " " || header[i] === "\t")) i++;
  };
  while (i < n) {
    skipWs();
    if (header[i] === ",") {
      i++;
      continue;
    }
    const start = i;
    while (i < n && TCHAR.test(header[i])) i++;
    const tok = header.slice(start, i);
    if (!tok) {
      i++; // stray character: skip it
      continue;
    }
    skipWs();
    if (header[i] !== "=") {
      current = { scheme: tok.toLowerCase(), params: {} };
      out.push(current);
      continue;
    }
    i++; // '='
    skipWs();
    let value = "";
    if (header[i] === '"') {
      i++;
      while (i < n && header[i] !== '"') {
        if (header[i] === "\\" && i + 1 < n) i++;
        value += header[i++];
      }
      i++; // closing quote
    } else {
      const vs = i;
      while (i < n && header[i] !== "," && header[i] !== " " && header[i] !== "\t") i++;
      value = header.slice(vs, i);
    }
    if (current) current.params[tok.toLowerCase()] = value;
  }
  return out;
}
