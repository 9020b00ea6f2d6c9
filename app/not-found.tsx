import Link from "next/link";

export default function NotFound() {
  return (
    <section className="mx-auto flex max-w-xl flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-8 dark:border-zinc-800 dark:bg-zinc-900">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        This repository, package, rule or page is not in the last scan. It may be archived, renamed, or excluded by the scan settings.
      </p>
      <Link href="/" className="text-sm font-medium text-sky-700 underline dark:text-sky-300">
        Back to the org report
      </Link>
    </section>
  );
}
