export function PackagesEmptyState() {
  return (
    <div role="status" className="flex h-40 flex-col items-center justify-center gap-2 px-6 text-center">
      <p className="font-medium">No container packages found</p>
      <p className="max-w-xl text-sm text-zinc-600 dark:text-zinc-400">
        The last scan listed no GHCR container packages for this organization. If it has some, give the token the{" "}
        <code>read:packages</code> scope and rescan.
      </p>
    </div>
  );
}
