import { type Env, isDemoMode } from "@/lib/server/env";

/**
 * Where `npm start` listens, and the line that says so. The demo has no sign-in, so it listens on
 * loopback only unless HOST says otherwise; a configured org listens where HOST says (every
 * interface by default, as a server behind a reverse proxy does).
 */
export interface ListenPlan {
  /** the address given to `next start -H`, or null for Next's default (every interface) */
  host: string | null;
  nextArgs: string[];
  /** where start.ts checks that the server answers */
  probeUrl: string;
  /** after "cacheguard dashboard: " */
  startLine: string;
}

const ANY = new Set(["0.0.0.0", "::", "[::]"]);
const bracket = (h: string) => (h.includes(":") && !h.startsWith("[") ? `[${h}]` : h);

export function listenPlan(env: Env): ListenPlan {
  const port = env.PORT;
  const demo = isDemoMode(env);
  const host = env.HOST?.trim() || (demo ? "127.0.0.1" : null);
  const everywhere = host === null || ANY.has(host);
  const probeHost = everywhere ? "127.0.0.1" : bracket(host);
  const url = env.NEXTAUTH_URL?.replace(/\/+$/, "") ?? (everywhere || host === "127.0.0.1" || host === "localhost" ? `http://localhost:${port}` : `http://${bracket(host)}:${port}`);
  let where: string;
  if (everywhere) where = `listening on every interface, port ${port}${demo ? "; anyone who can reach this machine sees the demo, without sign-in" : ""}`;
  else if (host === "127.0.0.1" || host === "localhost" || host === "::1") where = `listening on ${bracket(host)}:${port} only; set HOST=0.0.0.0 to listen on every interface`;
  else where = `listening on ${bracket(host)}:${port}`;
  return { host, nextArgs: host ? ["-H", host] : [], probeUrl: `http://${probeHost}:${port}`, startLine: `${url} (${where})` };
}
