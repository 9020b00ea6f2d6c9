import type { Metadata } from "next";
import { OrgLink as Link } from "@/components/org-link";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { Nav } from "@/components/layout/nav";
import { OrgSwitcher } from "@/components/layout/org-switcher";
import { configuredOrgs, readEnv } from "@/lib/server/env";
import { Providers } from "@/components/providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "cacheguard", template: "%s · cacheguard" },
  description: "Docker build caches that overwrite or pose as image tags, across a GitHub organization",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request: the CSP nonce (proxy.ts) is new each time, and Next stamps it
  // on its scripts only while rendering; a page prerendered at build time could not run.
  await connection();
  let orgs: string[] = [];
  try {
    orgs = configuredOrgs(readEnv());
  } catch {
    // a misconfigured server says why on its pages; the header just has no switcher
  }
  return (
    <html lang="en">
      <body className="min-h-screen">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 dark:focus:bg-zinc-900">
          Skip to content
        </a>
        <Providers>
          <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
            <div className="mx-auto flex h-14 max-w-screen-2xl items-center justify-between gap-4 px-4">
              <Link href="/" className="flex shrink-0 items-center gap-2 font-semibold no-underline">
                <span aria-hidden className="inline-block h-5 w-5 rounded bg-gradient-to-br from-sky-500 to-emerald-500" />
                cacheguard
              </Link>
              <div className="flex min-w-0 items-center gap-3">
                <Nav />
                {orgs.length > 1 && <OrgSwitcher orgs={orgs} />}
              </div>
            </div>
          </header>
          <main id="main" className="mx-auto max-w-screen-2xl px-4 py-6">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
