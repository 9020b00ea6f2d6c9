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
  // the default org's links stay byte for byte what they were
  if (org === null && !params.has(ORG_PARAM)) return href;
  params.delete(ORG_PARAM);
  // the org leads, so a shared link says which org it is about at a glance
  const query = [...(org ? [`${ORG_PARAM}=${encodeURIComponent(org)}`] : []), ...(params.size ? [params.toString()] : [])].join("&");
  return `${path}${query ? `?${query}` : ""}${hash}`;
}

/**
 * Where the org switcher goes: the same view of the other org. List pages keep their path and
 * filters (paging starts over); a page about one thing of the old org (a repo, a package, a scan)
 * becomes its section's list, since the other org has no such thing or a different one.
 */
export function switchOrgHref(pathname: string, search: string, org: string, defaultOrg: string): string {
  const section = /^\/repos\//.test(pathname) ? "/" : /^\/(packages|scans)\//.test(pathname) ? `/${pathname.split("/")[1]}` : pathname;
  const params = new URLSearchParams(search);
  for (const k of ["page", "cursor"]) params.delete(k);
  if (section !== pathname) for (const k of [...params.keys()]) params.delete(k);
  const q = params.toString();
  return withOrg(`${section}${q ? `?${q}` : ""}`, org.toLowerCase() === defaultOrg.toLowerCase() ? null : org);
}
