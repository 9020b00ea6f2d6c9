import { FindingsTableSkeleton } from "@/components/tables/findings/skeleton";

export function ReportSkeleton() {
  return (
    <div className="flex flex-col gap-6" aria-busy="true" aria-label="Loading the org report">
      <div className="skeleton h-8 w-64" />
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {Array.from({ length: 4 }, (_, i) => (
          <div key={i} className="skeleton h-40" />
        ))}
      </div>
      <FindingsTableSkeleton />
    </div>
  );
}

export function BlockSkeleton({ label, blocks = 3, height = "h-48" }: { label: string; blocks?: number; height?: string }) {
  return (
    <div className="flex flex-col gap-6" aria-busy="true" aria-label={label}>
      <div className="skeleton h-8 w-64" />
      {Array.from({ length: blocks }, (_, i) => (
        <div key={i} className={`skeleton ${height}`} />
      ))}
    </div>
  );
}
