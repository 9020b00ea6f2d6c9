import type { components } from "@octokit/openapi-types";
import { z } from "zod";
import { type GitHubClient, untilComplete } from "./client";
import { IncompleteError } from "./errors";
import { pageOf, parseLink } from "./packages";

const PER_PAGE = 100;

/** A repository's custom property values as GitHub's REST description types them. */
export type GitHubRepoPropertyValues = components["schemas"]["org-repo-custom-property-values"];

const valuesSchema = z.object({
  repository_name: z.string().min(1),
  properties: z.array(z.object({ property_name: z.string(), value: z.union([z.string(), z.array(z.string())]).nullable() })),
});
/** Compiles only while every field read above is one GitHub's answer has, typed as GitHub types it. */
type FieldsAreGitHubs<T extends true> = T;
export type PropertyFieldsAreGitHubs = FieldsAreGitHubs<GitHubRepoPropertyValues extends z.input<typeof valuesSchema> ? true : false>;

const definitionSchema = z.object({ property_name: z.string() });
export type GitHubCustomProperty = components["schemas"]["custom-property"];
export type DefinitionFieldsAreGitHubs = FieldsAreGitHubs<GitHubCustomProperty extends z.input<typeof definitionSchema> ? true : false>;

/**
 * The names of the custom properties the organization defines (`GET /orgs/{org}/properties/schema`, one
 * request, not paged): an org that does not define the team property costs no more than this.
 */
export async function listCustomPropertyNames(gh: GitHubClient, org: string): Promise<Set<string>> {
  const doing = `reading the custom properties '${org}' defines`;
  try {
    const res = await gh.octokit.rest.orgs.customPropertiesForReposGetOrganizationDefinitions({ org });
    const parsed = z.array(definitionSchema).safeParse(res.data);
    if (!parsed.success) throw new IncompleteError(`GitHub's list of custom properties is not a list of them (${doing})`);
    return new Set(parsed.data.map((d) => d.property_name));
  } catch (err) {
    throw gh.error(err, { org, action: doing });
  }
}

/** Property values by repository name, then by property name. */
export type PropertyValues = Map<string, Map<string, string | string[] | null>>;

/**
 * Every repository's custom property values (`GET /orgs/{org}/properties/values`, all pages, one call
 * per 100 repositories). Complete or it throws, like the package list: each page parses, the `Link`
 * pages are followed to the end, and a list cut short is read again, then reported as IncompleteError.
 * GitHub's 403 (the token may not read them) and 404 come through as GitHubError.
 */
export async function listCustomPropertyValues(gh: GitHubClient, org: string): Promise<PropertyValues> {
  const doing = `reading the custom properties of the repositories of '${org}'`;
  try {
    return await untilComplete(gh, () => listOnce(gh, org, doing));
  } catch (err) {
    throw gh.error(err, { org, action: doing });
  }
}

async function listOnce(gh: GitHubClient, org: string, doing: string): Promise<PropertyValues> {
  const first = gh.octokit.rest.orgs.customPropertiesForReposGetOrganizationValues.endpoint({ org, per_page: PER_PAGE });
  const out: PropertyValues = new Map();
  let url: string | null = first.url;
  let pageNo = 1;
  let lastPage: number | null = null;
  for (let pages = 0; url; pages++) {
    if (pages >= 10_000) throw new IncompleteError(`The custom property list did not end after 10,000 pages (${doing})`);
    const res = await gh.octokit.request({ method: "GET", url, headers: first.headers });
    const items = z.array(valuesSchema).safeParse(res.data);
    if (!items.success) throw new IncompleteError(`GitHub's page ${pageNo} of the custom property values is not a list of them (${doing})`);
    for (const r of items.data) out.set(r.repository_name, new Map(r.properties.map((p) => [p.property_name, p.value])));
    const links = parseLink(res.headers.link);
    lastPage ??= pageOf(links.last);
    if (links.next) {
      const nextNo = pageOf(links.next);
      if (nextNo !== null && nextNo !== pageNo + 1) throw new IncompleteError(`GitHub's page ${pageNo} of the custom property values skips to page ${nextNo} (${doing})`);
      url = links.next;
      pageNo++;
    } else if (lastPage !== null && pageNo < lastPage) {
      throw new IncompleteError(`GitHub's custom property values ended at page ${pageNo} of ${lastPage} (${doing})`);
    } else {
      url = null;
    }
  }
  return out;
}
