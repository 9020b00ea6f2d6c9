import { workflowOwners } from "@/lib/github/codeowners";
import type { GitHubClient } from "@/lib/github/client";
import { type PropertyValues, listCustomPropertyNames, listCustomPropertyValues } from "@/lib/github/custom-properties";
import { GitHubError, RateLimitError } from "@/lib/github/errors";

export const DEFAULT_TEAM_PROPERTY = "team";
const TOPIC_PREFIX = "team-";

export interface Team {
  team: string;
  /** where it comes from, as the dashboard shows it: `custom property team`, `topic team-web`, `CODEOWNERS (.github/CODEOWNERS)`, or `CODEOWNERS` for the root file */
  source: string;
}

export interface TeamInputs {
  /** the value of the team custom property, when the scan could read the properties */
  property?: string | string[] | null;
  topics: readonly string[];
  /** the team CODEOWNERS names for .github/workflows/, and the file */
  codeowners?: { team: string | null; path: string | null } | null;
}

/** The owner team: the custom property, else a `team-*` topic, else CODEOWNERS; the first that says. */
export function resolveTeam(propertyName: string, s: TeamInputs): Team | null {
  const value = Array.isArray(s.property) ? s.property.find((v) => v.trim()) : s.property;
  if (value && value.trim()) return { team: value.trim(), source: `custom property ${propertyName}` };
  const topic = s.topics.find((t) => t.startsWith(TOPIC_PREFIX) && t.length > TOPIC_PREFIX.length);
  if (topic) return { team: topic.slice(TOPIC_PREFIX.length), source: `topic ${topic}` };
  if (s.codeowners?.team) {
    const path = s.codeowners.path ?? "CODEOWNERS";
    return { team: s.codeowners.team, source: path === "CODEOWNERS" ? "CODEOWNERS" : `CODEOWNERS (${path})` };
  }
  return null;
}

/** The team a CODEOWNERS text gives the workflows of a repository. */
export function codeownersTeam(file: { path: string; text: string } | null, workflowPaths: readonly string[]): { team: string | null; path: string | null } {
  if (!file) return { team: null, path: null };
  return { team: workflowOwners(file.text, workflowPaths)?.team ?? null, path: file.path };
}

export interface PropertiesRead {
  /** property values by repository name; null when they could not be read */
  values: PropertyValues | null;
  /** said on the report when the properties were not read, and why */
  note: string | null;
  /** a failure that may pass (network, server, an incomplete list): teams from properties are kept as stored */
  keepStored: boolean;
}

/**
 * The org's custom property values, read every scan (they change without a push): the properties the
 * org defines (one request), then, when the team property is one of them, the values of every
 * repository (one request per 100). A token that may not read them (403) or an org without them (404)
 * is no failure of the scan: teams then come from topics and CODEOWNERS, and the report says so. Any
 * other failure keeps the teams the properties gave before.
 */
export async function readTeamProperties(gh: GitHubClient, org: string, propertyName: string): Promise<PropertiesRead> {
  try {
    // not defined: no repository has a value, and the values are not worth a request per 100 repositories
    if (!(await listCustomPropertyNames(gh, org)).has(propertyName)) return { values: new Map(), note: null, keepStored: false };
    return { values: await listCustomPropertyValues(gh, org), note: null, keepStored: false };
  } catch (e) {
    const status = e instanceof GitHubError ? e.status : undefined;
    const why = e instanceof Error ? e.message : String(e);
    if ((status === 403 || status === 404) && !(e instanceof RateLimitError)) {
      return { values: null, keepStored: false, note: `Custom property "${propertyName}" not read (GitHub answered ${status}): teams come from topics and CODEOWNERS.` };
    }
    return { values: null, keepStored: true, note: `Custom property "${propertyName}" could not be read this scan (${why}); the teams it gave are kept.` };
  }
}
