/** What a name in a URL may be: the API routes' params and the pages' paths agree on these. */
export const REPO_NAME = /^[A-Za-z0-9._-]{1,200}$/;
// GHCR container names may contain slashes (sent URL-encoded) and are lower-case
export const PACKAGE_NAME = /^[a-z0-9._/-]{1,300}$/i;
export const RULE_ID = /^[a-z0-9-]{1,100}$/;

const PAGES: Array<[prefix: string, name: RegExp]> = [["/repos/", REPO_NAME], ["/packages/", PACKAGE_NAME], ["/rules/", RULE_ID]];

/**
 * A page path whose name segment cannot name anything (`/packages/%25` is the name "%"): the
 * proxy answers these with the not-found page before rendering starts, so the status is 404 even
 * where a loading boundary would already have sent 200.
 */
export function namesNothing(decodedPath: string): boolean {
  for (const [prefix, re] of PAGES) {
    if (decodedPath.startsWith(prefix) && decodedPath.length > prefix.length) return !re.test(decodedPath.slice(prefix.length));
  }
  return false;
}
