"use client";

import clsx from "clsx";
import { OrgLink as Link } from "@/components/org-link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/", label: "Report", match: (p: string) => p === "/" || p.startsWith("/repos") },
  { href: "/packages", label: "Packages", match: (p: string) => p.startsWith("/packages") },
  { href: "/scans", label: "Scans", match: (p: string) => p.startsWith("/scans") },
  { href: "/rules", label: "Rules", match: (p: string) => p.startsWith("/rules") },
  { href: "/settings", label: "Settings", match: (p: string) => p.startsWith("/settings") },
];

export function Nav() {
  const pathname = usePathname() ?? "/";
  return (
    <nav aria-label="Main" className="flex min-w-0 gap-1 overflow-x-auto">
      {LINKS.map((l) => {
        const active = l.match(pathname);
        return (
          <Link
            key={l.href}
            href={l.href}
            aria-current={active ? "page" : undefined}
            className={clsx(
              "rounded-md px-3 py-1.5 text-sm font-medium no-underline",
              active
                ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900"
                : "text-zinc-600 hover:bg-zinc-200 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
            )}
          >
            {l.label}
          </Link>
        );
      })}
    </nav>
  );
}
