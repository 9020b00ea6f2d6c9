import type { Metadata } from "next";
import Link from "next/link";
import { authRequired } from "@/lib/auth/config";
import { withOrg } from "@/lib/http/org-param";
import { configuredOrg, configuredOrgs, readEnv } from "@/lib/server/env";
import { SignInButton } from "./sign-in-button";

export const metadata: Metadata = { title: "Sign in" };
// the org and the mode come from the server's environment at request time
export const dynamic = "force-dynamic";

type Search = Promise<Record<string, string | string[] | undefined>>;

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Only relative paths: an absolute callbackUrl would make this page an open redirect. */
function safeCallback(v: string | undefined): string {
  return v && v.startsWith("/") && !v.startsWith("//") ? v : "/";
}

function errorText(error: string, org: string, login: string | undefined): { title: string; body: string } | null {
  switch (error) {
    case "not-member":
      return {
        title: `You are not a member of ${org}`,
        body: `${login ? `The GitHub account ${login} is` : "This GitHub account is"} not a member of the ${org} organization, so it cannot see its audit. Ask an owner of ${org} to add you, or sign in with another account.`,
      };
    case "membership-check":
      return { title: "Could not check your membership", body: `GitHub did not confirm whether ${login ?? "you"} belong to ${org}. Try again in a minute.` };
    case "config":
      return { title: "Sign-in is not configured", body: "Set GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET and NEXTAUTH_SECRET on the server (see the README)." };
    default:
      return { title: "Sign-in failed", body: `GitHub sign-in did not complete (${error}). Try again.` };
  }
}

export default async function SignInPage({ searchParams }: { searchParams: Search }) {
  const q = await searchParams;
  if (!authRequired()) {
    return (
      <section className="mx-auto max-w-md py-16 text-center">
        <h1 className="text-xl font-semibold">No sign-in in demo mode</h1>
        <p className="mt-3 text-sm text-zinc-600 dark:text-zinc-400">The demo org is open to everyone on this machine.</p>
        <Link href="/" className="mt-6 inline-block text-sm">Open the report</Link>
      </section>
    );
  }
  const env = readEnv();
  const orgs = configuredOrgs(env);
  // the refusal names the org it is about (several orgs: a member of one may not be of another)
  const org = configuredOrg(env, one(q.org) ?? "") ?? orgs[0];
  const error = one(q.error);
  const login = one(q.login);
  const problem = error ? errorText(error, org, login) : null;
  const others = orgs.filter((o) => o !== org);
  return (
    <section className="mx-auto max-w-md py-16">
      {problem ? (
        <div role="alert" className="mb-8 rounded-lg border border-red-300 bg-red-50 p-5 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
          <h1 className="text-lg font-semibold">{problem.title}</h1>
          <p className="mt-2 text-sm">{problem.body}</p>
        </div>
      ) : (
        <h1 className="mb-3 text-xl font-semibold">Sign in to cacheguard</h1>
      )}
      <p className="mb-6 text-sm text-zinc-600 dark:text-zinc-400">
        The audit of <strong>{org}</strong> is visible to members of the {org} GitHub organization only.
      </p>
      {others.length > 0 && (
        <p className="mb-6 text-sm text-zinc-600 dark:text-zinc-400" data-testid="other-orgs">
          This server also audits{" "}
          {others.map((o, i) => (
            <span key={o}>{i > 0 && ", "}<Link href={withOrg("/", o === orgs[0] ? null : o)} className="underline">{o}</Link></span>
          ))}
          : each is visible to its own members.
        </p>
      )}
      <SignInButton callbackUrl={safeCallback(one(q.callbackUrl))} login={problem ? undefined : login} label={problem ? "Sign in with another GitHub account" : "Sign in with GitHub"} />
    </section>
  );
}
