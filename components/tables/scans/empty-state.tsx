export function ScansEmptyState() {
  return (
    <div role="status" className="flex h-32 flex-col items-center justify-center gap-1 px-6 text-center">
      <p className="font-medium">No scans yet</p>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">Press Rescan now to read the organization&apos;s workflows and GHCR tags. Scheduled scans appear here too.</p>
    </div>
  );
}
