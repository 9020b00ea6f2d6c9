import { type Env, configuredOrg, configuredOrgs, defaultOrg, readEnv } from "@/lib/server/env";

export type OrgChoice =
  /** `param`: what the URL's ?org= should say (null for the default org) */
  | { ok: true; login: string; param: string | null }
  | { ok: false; requested: string };

/**
 * The org a request is about, from its `?org=` value: the default org when absent, the configured
 * spelling when it names one, otherwise refused (pages and API routes answer 404 then: an org this
 * server does not serve is no different from a page that does not exist).
 */
export function chooseOrg(env: Env, requested: string | null | undefined): OrgChoice {
  const fallback = defaultOrg(env);
  if (requested === null || requested === undefined || requested === "") return { ok: true, login: fallback, param: null };
  const login = configuredOrg(env, requested);
  if (!login) return { ok: false, requested };
  return { ok: true, login, param: login === fallback ? null : login };
}

export { configuredOrgs, defaultOrg };

/**
 * The `?org=` value a link to `login`'s pages carries (null for the default org), for links made
 * outside a request (alerts). Without a readable configuration (a CLI run) the links carry none.
 */
export function orgParamFor(login: string, source: NodeJS.ProcessEnv = process.env): string | null {
  try {
    const env = readEnv(source);
    return defaultOrg(env).toLowerCase() === login.toLowerCase() ? null : login;
  } catch {
    return null;
  }
}
