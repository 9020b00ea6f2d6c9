import type { Metadata } from "next";
import { RuleDetail } from "@/components/rules/rule-detail";
import { listRules } from "@/lib/server/queries/rules";

type Props = { params: Promise<{ id: string }> };

export function generateStaticParams() {
  return listRules().map((r) => ({ id: r.id }));
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await params).id };
}

export default async function RulePage({ params }: Props) {
  return <RuleDetail id={(await params).id} />;
}
