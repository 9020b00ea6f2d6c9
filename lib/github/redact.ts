/**
 * Secrets must never reach an error message, a log line or the database. Every token the
 * clients are configured with is registered here, and known token shapes are masked too
 * (a token can arrive in an error text from a library before we see it).
 */
const secrets = new Set<string>();

export function registerSecret(secret: string | undefined | null): void {
  // very short strings would mask ordinary words; real tokens are long
  if (secret && secret.length >= 6) secrets.add(secret);
}

const PATTERNS: RegExp[] = [
  /\bgh[pousr]_[A-Za-z0-9_]{8,}/g, // classic PAT, OAuth, user-to-server, server-to-server, refresh
  /\bgithub_pat_[A-Za-z0-9_]{8,}/g, // fine-grained PAT
  // Authorization header values: long and containing a digit, so prose ("token endpoint") survives
  /\b(Bearer|token|Basic)\s+(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{16,}/gi,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

export function redact(text: string, extra: Array<string | undefined> = []): string {
  let out = text;
  const all = [...secrets, ...extra.filter((s): s is string => !!s && s.length >= 6)];
  // longest first so a secret containing another is masked whole
  all.sort((a, b) => b.length - a.length);
  for (const s of all) {
    out = out.split(s).join("***");
  }
  out = out.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s:]+:[^/@\s]+@/gi, "$1***@"); // URL userinfo
  for (const re of PATTERNS) {
    out = out.replace(re, (m, scheme?: string) =>
      typeof scheme === "string" && /^(bearer|token|basic)$/i.test(scheme) ? `${scheme} ***` : "***",
    );
  }
  return out;
}
