import { OrgLink as Link } from "@/components/org-link";
import { SeverityBadge } from "@/components/badges";
import { listRules } from "@/lib/server/queries/rules";
import { InlineCode } from "@/components/code/inline-code";

export function RulesList() {
  const rules = listRules();
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-semibold">Rules</h1>
      <p className="max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
        What cacheguard checks. Each page is generated from the rule&apos;s own metadata: the same text the CLI and SARIF output use.
      </p>
      <ul className="grid grid-cols-1 gap-3 md:grid-cols-2">
        {rules.map((r) => (
          <li key={r.id}>
            <Link href={`/rules/${r.id}`} className="block h-full rounded-lg border border-zinc-200 bg-white p-4 no-underline hover:border-zinc-400 dark:border-zinc-800 dark:bg-zinc-900 dark:hover:border-zinc-600">
              <span className="flex items-center gap-2">
                <SeverityBadge severity={r.severity} />
                <code className="text-xs text-zinc-500">{r.id}</code>
              </span>
              <span className="mt-2 block font-semibold">{r.title}</span>
              <span className="mt-1 line-clamp-3 block text-sm text-zinc-600 dark:text-zinc-400"><InlineCode text={r.description} /></span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
