import type { Finding } from "@/lib/engine/types";
import type { AppAuthOptions } from "@/lib/github/app-auth";
import type { OtherRegistriesConfig } from "@/lib/registry/credentials";

export interface ScanConfig {
  org: string;
  apiUrl: string;
  registryUrl: string;
  token?: string;
  /**
   * GitHub App installation instead of a token (GitHub API only): the installation is found on the
   * org when no id is given. The registry side needs `registryToken`: an App cannot read packages.
   */
  app?: AppAuthOptions;
  /**
   * GHCR_TOKEN: a personal access token (classic, read:packages) for the Packages API and the
   * registry, beside an App (required there to read the registry) or beside a PAT (to split them)
   */
  registryToken?: string;
  includeArchived?: boolean;
  includeForks?: boolean;
  /** registry requests in flight at once (default 16); the GitHub API keeps its own, smaller cap */
  registryConcurrency?: number;
  /** reuse the org's Actions cache usage read less than this long ago (default 5 min, GitHub's refresh; 0: always read) */
  actionsCacheMaxAgeMs?: number;
  /** the repository custom property that names the owner team (default `team`; CACHEGUARD_TEAM_PROPERTY) */
  teamProperty?: string;
  /**
   * registries other than GHCR (Docker Hub, any OCI registry) that workflows push to: credentials per
   * host, and where hosts are reached (a test/dev hook); absent: anonymous, at each host's own address
   */
  registries?: OtherRegistriesConfig;
  /** delete resolved findings whose resolving scan is older than this many days, after the scan (default 90; 0: keep them) */
  retentionDays?: number;
  /** the versions phase's budget (lib/server/storage/phase.ts): its share of the scan's requests, pages after the rest ends */
  versionPages?: { share?: number; tailPages?: number };
}

export type ScanStatus = "queued" | "running" | "succeeded" | "partial" | "failed" | "interrupted";
export type ScanPhase = "starting" | "repos" | "workflows" | "bake-files" | "packages" | "workflows+packages" | "analyze" | "actions-cache" | "registries" | "findings" | "done";

export interface ScanProgress {
  scanId: number;
  phase: ScanPhase;
  reposDone: number;
  reposTotal: number;
  reposSkipped: number;
  message?: string;
}

export interface RepoError {
  /** repo name, or `package:<name>` / `packages` for registry-side failures */
  repo: string;
  message: string;
}

/**
 * What a scan read of the registry completely, which is what registry findings may be resolved on:
 * a tag read now (or in a package unchanged since a complete read), a tag missing from a complete
 * tag list, or a package missing from a complete package list. Anything else is unknown.
 */
export interface RegistryEvidence {
  /** the package list was read completely: a package it does not name is gone */
  packagesComplete: boolean;
  /** by lower-cased package name: its tag list when read completely (null: not), and the tags read */
  packages: Map<string, { listed: Set<string> | null; current: Set<string> }>;
  /**
   * Tags on other registries (`host/repository:tag`), read by name: the ones this scan's workflows
   * name (and so needed reading), and those it settled (read, or absent from a complete tag list).
   * Absent: nothing is known of them (no finding on another registry is resolved).
   */
  other?: { named: Set<string>; settled: Set<string> };
}

/** A file the scan could not read or analyse (or analysed only in part), and why. */
export interface FileProblem {
  path: string;
  message: string;
  line?: number;
}

/** What a scan analysed: the coverage line of the report and the scan's page. */
export interface ScanCoverage {
  /** files the analysis was given or could not be given (never readable) */
  files: number;
  analysed: number;
  /** files not analysed, and why (unreadable, or could not be parsed) */
  notAnalysed: Array<FileProblem & { repo: string }>;
  /** notes about files read but partly understood */
  partly: number;
}

/** A finding as the scan stored it: the engine's finding plus its fingerprint and whether it is new. */
export interface ScanFinding extends Finding {
  fingerprint: string;
  isNew: boolean;
}

export interface ScanSummary {
  scanId: number;
  org: string;
  status: ScanStatus;
  /** repos listed (after archived/fork filtering) */
  repos: number;
  reposFetched: number;
  /** repos whose head was unchanged: stored files reused, nothing fetched */
  reposSkipped: number;
  packages: number;
  newCount: number;
  resolvedCount: number;
  openCount: number;
  requests: { rest: number; graphql: number; registry: number };
  repoErrors: RepoError[];
  /** files that can never be read (binary, too large): reported, not counted as failures */
  warnings: RepoError[];
  /** what the analysis covered; absent when the scan failed before it */
  coverage?: ScanCoverage;
  /** set when status is failed (redacted) */
  error?: string;
  /** the findings this scan saw (open now); empty when the scan failed */
  findings: ScanFinding[];
  /** findings it saw that an ignore or an accepted risk silences (not counted) */
  suppressed: ScanFinding[];
  /** how the scan authenticated: a token, or a GitHub App installation; and what read the registry */
  auth?: ScanAuth;
  /** registries other than GHCR the scan read tags of, host by host; absent when workflows name none */
  registries?: RegistryHostReport[];
  /** the storage phase: versions pages and manifest reads it spent, packages whose lists are complete */
  storage?: import("@/lib/server/storage/phase").VersionsPhaseResult;
  /** what was done after the scan (alerts, code scanning, issues); absent when nothing ran */
  actions?: import("@/lib/server/after-scan").ActionOutcome[];
}

export interface ScanAuth {
  kind: "token" | "app" | "none";
  appId?: string;
  installationId?: number;
  /** GHCR_TOKEN, the GitHub token, no credential (public packages only), or not read (an App without GHCR_TOKEN) */
  registry: "ghcr-token" | "github-token" | "anonymous" | "not-read";
}

/** One registry host other than GHCR in a scan: how it was read and how many of its tags. */
export interface RegistryHostReport {
  host: string;
  /** the URL its registry API was reached at */
  url: string;
  /** anonymous, or where its credential came from */
  credential: "anonymous" | "CACHEGUARD_REGISTRIES" | "DOCKERHUB_TOKEN" | "CACHEGUARD_DOCKER_CONFIG";
  /** tags workflows name there */
  tags: number;
  /** read (what they hold is known), or settled as gone (absent from a complete tag list) */
  read: number;
  /** could not be read: reported under repoErrors as `registry:HOST`, findings about them kept */
  notRead: number;
  /** requests sent to it (token endpoint included) */
  requests: number;
}

export type OnProgress = (p: ScanProgress) => void;

/** A second scan of the same org while one runs: the database refuses it (Scan.activeKey is unique). */
export class ScanAlreadyRunningError extends Error {
  readonly org: string;
  readonly runningScanId: number | null;
  constructor(org: string, runningScanId: number | null) {
    super(
      `A scan of ${org} is already running${runningScanId ? ` (scan #${runningScanId})` : ""}; ` +
        "wait for it to finish before starting another.",
    );
    this.name = "ScanAlreadyRunningError";
    this.org = org;
    this.runningScanId = runningScanId;
  }
}
