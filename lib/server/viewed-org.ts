import { headers } from "next/headers";
import { ORG_HEADER } from "@/lib/http/org-param";
import { configuredOrg, defaultOrg, readEnv } from "@/lib/server/env";

/**
 * The org the page being rendered is about. proxy.ts has read `?org=`, answered 404 for an org
 * that is not configured and put the configured spelling in a request header; server components
 * read it here, since they do not see the URL.
 */
export async function viewedOrgLogin(): Promise<string> {
  const env = readEnv();
  const h = (await headers()).get(ORG_HEADER);
  return (h && configuredOrg(env, h)) || defaultOrg(env);
}
