import { z } from "zod";
import { configuredOrgs, isDemoMode, readEnv } from "@/lib/server/env";

/**
 * Sign-in configuration, read on the server at request time (never at build time: the same build
 * runs in demo mode and against a real org). The client secret and NEXTAUTH_SECRET stay here.
 */
const schema = z.object({
  GITHUB_CLIENT_ID: z.string().min(1, "GITHUB_CLIENT_ID is required outside demo mode (a GitHub OAuth app)"),
  GITHUB_CLIENT_SECRET: z.string().min(1, "GITHUB_CLIENT_SECRET is required outside demo mode"),
  NEXTAUTH_SECRET: z.string().min(16, "NEXTAUTH_SECRET must be a random string of at least 16 characters"),
  /** where the OAuth web flow lives: https://github.com, a GHES host, or the fake server */
  GITHUB_OAUTH_URL: z.string().url().default("https://github.com"),
  GITHUB_API_URL: z.string().url().default("https://api.github.com"),
  NEXTAUTH_URL: z.string({ error: "NEXTAUTH_URL is required outside demo mode (the dashboard's public URL)" }).url("NEXTAUTH_URL must be a URL such as https://cacheguard.example.com"),
});

export type AuthConfig = {
  /** the default org */
  org: string;
  /** every configured org, the default first: a member of any of them may sign in */
  orgs: string[];
  clientId: string;
  clientSecret: string;
  secret: string;
  oauthUrl: string;
  apiUrl: string;
  publicUrl: string;
};

/** True when pages and API routes need a signed-in member (everything but demo mode). */
export type EnvSource = Record<string, string | undefined>;

export function authRequired(source: EnvSource = process.env): boolean {
  return !isDemoMode(readEnv(source as NodeJS.ProcessEnv));
}

export function readAuthConfig(source: EnvSource = process.env): AuthConfig {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    // names and rules only: never echo a value, it may be a secret
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Sign-in is not configured: ${issues}`);
  }
  const e = parsed.data;
  const env = readEnv(source as NodeJS.ProcessEnv);
  if (isDemoMode(env)) throw new Error("Sign-in is not configured: CACHEGUARD_ORG (or CACHEGUARD_ORGS) is required outside demo mode");
  const orgs = configuredOrgs(env);
  const trim = (u: string) => u.replace(/\/+$/, "");
  return {
    org: orgs[0],
    orgs,
    clientId: e.GITHUB_CLIENT_ID,
    clientSecret: e.GITHUB_CLIENT_SECRET,
    secret: e.NEXTAUTH_SECRET,
    oauthUrl: trim(e.GITHUB_OAUTH_URL),
    apiUrl: trim(e.GITHUB_API_URL),
    publicUrl: e.NEXTAUTH_URL,
  };
}
