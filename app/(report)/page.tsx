import { OrgReport } from "@/components/report/org-report";

export default async function ReportPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return <OrgReport searchParams={await searchParams} />;
}
