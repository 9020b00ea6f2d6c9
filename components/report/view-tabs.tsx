import clsx from "clsx";
import { OrgLink as Link } from "@/components/org-link";

type SearchParams = Record<string, string | string[] | undefined>;

/** The report's two tables as links (every view is a URL): problems, or the raw findings they are made of. */
export function ViewTabs({ view, searchParams, problems, findings }: { view: "problems" | "findings"; searchParams: SearchParams; problems: number; findings: number }) {
  const href = (to: "problems" | "findings") => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(searchParams)) {
      const first = Array.isArray(v) ? v[0] : v;
      // the sort keys are the findings table's; paging starts over
      if (first !== undefined && k !== "view" && k !== "page" && k !== "after" && k !== "before" && !(to === "problems" && (k === "sort" || k === "dir"))) q.set(k, first);
    }
    if (to === "findings") q.set("view", "findings");
    const s = q.toString();
    return s ? `/?${s}` : "/";
  };
  const tab = (to: "problems" | "findings", label: string, n: number) => (
    <Link
      href={href(to)}
      aria-current={view === to ? "page" : undefined}
      className={clsx(
        "rounded-md px-3 py-1.5 text-sm font-medium no-underline",
        view === to ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900" : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800",
      )}
    >
      {label} <span className="tabular-nums opacity-70">({n})</span>
    </Link>
  );
  return (
    <nav aria-label="Report view" className="flex items-center gap-2">
      {tab("problems", "Problems", problems)}
      {tab("findings", "Findings", findings)}
      <span className="text-xs text-zinc-500 dark:text-zinc-400">
        {view === "problems" ? "findings about one broken ref in one place are one problem" : "every finding the rules report, as exported"}
      </span>
    </nav>
  );
}
