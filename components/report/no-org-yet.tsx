import { RescanButton } from "@/components/scans/rescan-button";

export function NoOrgYet() {
  return (
    <section className="mx-auto flex max-w-xl flex-col gap-4 rounded-lg border border-zinc-200 bg-white p-8 dark:border-zinc-800 dark:bg-zinc-900">
      <h1 className="text-xl font-semibold">No organization scanned yet</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        cacheguard shows findings after its first scan. <code>npm start</code> runs one by itself; you can also start it here. Set{" "}
        <code>GITHUB_TOKEN</code> and <code>CACHEGUARD_ORG</code> to audit your own organization instead of the demo org.
      </p>
      <RescanButton active={null} />
    </section>
  );
}
