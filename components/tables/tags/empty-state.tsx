export function TagsEmptyState() {
  return (
    <div role="status" className="flex h-32 flex-col items-center justify-center gap-1 px-6 text-center">
      <p className="font-medium">No tags</p>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">This package has only untagged versions, or the registry refused the tag list. Rescan to try again.</p>
    </div>
  );
}
