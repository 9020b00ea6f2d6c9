import { ReportSkeleton } from "@/components/page-skeleton";

export default function Loading() {
  return <ReportSkeleton />;
}
