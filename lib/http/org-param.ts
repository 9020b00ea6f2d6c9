/**
 * The org a dashboard URL is about lives in its `?org=` parameter, absent for the default org, so
 * every URL from before several orgs still means what it did and every view can be linked. Client
 * and server code share these helpers; nothing here reads the configuration.
 */
export const ORG_PARAM = "org";
/** set by proxy.ts (after checking it is configured) for the server components of the request */
export const ORG_HEADER = "x-cacheguard-org";

/** `href` with `?org=` set to `org`, or without it when `org` is null (the default org). Keeps the hash. */
export function withOrg(href: string, org: string | null): string {
  const hashAt = href.indexOf("#");
  const hash = hashAt >= 0 ? href.slice(hashAt) : "";
  const rest = hashAt >= 0 ? href.slice(0, hashAt) : href;
  const qAt = rest.indexOf("?");
  const path = qAt >= 0 ? rest.slice(0, qAt) : rest;
  const params = new URLSearchParams(qAt >= 0 ? rest.slice(qAt + 1) : "");
  params.delete(ORG_PARAM);
  // the org leads, so a shared link says which org it is about at a glance
  const query = [...(org ? [`${ORG_PARAM}=${encodeURIComponent(org)}`] : []), ...(params.size ? [params.toString()] : [])].join("&");
  return `${path}${query ? `?${query}` : ""}${hash}`;
}
