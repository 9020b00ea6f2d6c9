"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { ORG_PARAM, switchOrgHref } from "@/lib/http/org-param";

/** The header's org picker (several orgs only): the same view of another org, at a linkable URL. */
export function OrgSwitcher({ orgs }: { orgs: string[] }) {
  const router = useRouter();
  const pathname = usePathname() ?? "/";
  const search = useSearchParams();
  const requested = search?.get(ORG_PARAM)?.toLowerCase();
  const current = orgs.find((o) => o.toLowerCase() === requested) ?? orgs[0];
  // a choice made before the page is interactive would change the menu and go nowhere
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
    <label className="flex shrink-0 items-center gap-2 text-sm">
      <span className="sr-only">Organization</span>
      <select
        aria-label="Organization"
        value={current}
        disabled={!hydrated}
        onChange={(e) => router.push(switchOrgHref(pathname, search?.toString() ?? "", e.target.value, orgs[0]))}
        className="h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
      >
        {orgs.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    </label>
  );
}
