"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import type { ComponentProps } from "react";
import { ORG_PARAM, withOrg } from "@/lib/http/org-param";

/** The `?org=` of the page being shown (null: the default org), read from the address so it is never stale. */
export function useOrgParam(): string | null {
  return useSearchParams()?.get(ORG_PARAM) || null;
}

/** `href` (a page or an API path) for the org being viewed. */
export function useOrgHref(): (href: string) => string {
  const org = useOrgParam();
  return (href) => withOrg(href, org);
}

/**
 * next/link that stays in the org being viewed: every link inside the dashboard goes through it, so
 * a page of globex links to globex's pages, and the default org's links stay exactly as they were.
 */
export function OrgLink({ href, ...rest }: Omit<ComponentProps<typeof Link>, "href"> & { href: string }) {
  const to = useOrgHref();
  // links that leave the dashboard (or only jump within the page) are left alone
  const internal = href.startsWith("/") && !href.startsWith("//");
  return <Link href={internal ? to(href) : href} {...rest} />;
}
