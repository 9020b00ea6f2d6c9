/** Same heights as the loaded table (rows are h-14), so the page does not jump when data arrives. */
export function FindingsTableSkeleton({ rows = 10 }: { rows?: number }) {
  return (
    <div aria-busy="true" aria-label="Loading findings" className="overflow-hidden rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <div className="h-[7.5rem] border-b border-zinc-200 p-3 dark:border-zinc-800">
        <div className="skeleton h-9 w-full" />
      </div>
      <div className="h-10 border-b border-zinc-200 dark:border-zinc-800" />
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="flex h-14 items-center gap-4 border-b border-zinc-100 px-3 dark:border-zinc-800/60">
          <div className="skeleton h-4 w-14" />
          <div className="skeleton h-4 w-56" />
          <div className="skeleton h-4 w-12" />
          <div className="skeleton h-4 w-24" />
          <div className="skeleton h-4 w-48" />
          <div className="skeleton h-4 w-40" />
        </div>
      ))}
    </div>
  );
}
