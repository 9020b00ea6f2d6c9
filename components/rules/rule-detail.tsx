import { OrgLink as Link } from "@/components/org-link";
import { notFound } from "next/navigation";
import { SeverityBadge } from "@/components/badges";
import { CodeView } from "@/components/code/code-view";
import { getRule } from "@/lib/server/queries/rules";
import { InlineCode } from "@/components/code/inline-code";

export function RuleDetail({ id }: { id: string }) {
  const rule = getRule(id);
  if (!rule) notFound();
  return (
    <article className="flex max-w-4xl flex-col gap-4">
      <nav aria-label="Breadcrumb" className="text-sm text-zinc-500">
        <Link href="/rules" className="hover:underline">Rules</Link> / <span>{rule.id}</span>
      </nav>
      <header className="flex flex-col gap-2">
        <span className="flex items-center gap-2">
          <SeverityBadge severity={rule.severity} />
          <code className="text-sm text-zinc-500">{rule.id}</code>
        </span>
        <h1 className="text-2xl font-semibold">{rule.title}</h1>
      </header>
      <p className="leading-relaxed"><InlineCode text={rule.description} /></p>
      <section aria-labelledby="rule-fix">
        <h2 id="rule-fix" className="mb-1 text-lg font-semibold">How to fix</h2>
        <p className="leading-relaxed"><InlineCode text={rule.fix} /></p>
      </section>
      {(rule.example.bad || rule.example.good) && (
        <section aria-labelledby="rule-example" className="grid grid-cols-1 gap-4 lg:grid-cols-2">
          <h2 id="rule-example" className="text-lg font-semibold lg:col-span-2">Example</h2>
          <div>
            <h3 className="mb-1 text-sm font-medium text-red-700 dark:text-red-300">Triggers the rule</h3>
            <CodeView path="workflow.yml" text={rule.example.bad} highlight={[]} context={1000} />
          </div>
          <div>
            <h3 className="mb-1 text-sm font-medium text-emerald-700 dark:text-emerald-300">Fixed</h3>
            <CodeView path="workflow.yml" text={rule.example.good} highlight={[]} context={1000} />
          </div>
        </section>
      )}
      <p className="text-sm">
        <Link href={`/?rule=${rule.id}`} className="text-sky-700 underline dark:text-sky-300">Open findings of this rule</Link>
      </p>
    </article>
  );
}
