import { OrgLink as Link } from "@/components/org-link";

export function FindingsEmptyState({ filtered, scanned, clearHref, what = "findings" }: { filtered: boolean; scanned: boolean; clearHref: string; what?: "findings" | "problems" }) {
  let title: string;
  let body: React.ReactNode;
  if (!scanned) {
    title = "No scan has finished yet";
    body = (
      <>
        {what === "problems" ? "Problems" : "Findings"} appear after the first scan of the organization. Press <strong>Rescan now</strong> above, or run{" "}
        <code className="rounded bg-zinc-100 px-1 dark:bg-zinc-800">npm run cacheguard -- scan</code>.
      </>
    );
  } else if (filtered) {
    title = `No ${what} match these filters`;
    body = (
      <>
        Try another rule, repository, team or status, or{" "}
        <Link href={clearHref} className="font-medium text-sky-700 underline dark:text-sky-300">
          clear all filters
        </Link>
        .
      </>
    );
  } else {
    title = `No open ${what}`;
    body = "Every build in the last scan exports its cache to a ref of its own, and no GHCR tag holds a cache where an image is expected.";
  }
  return (
    <div className="flex h-48 flex-col items-center justify-center gap-2 px-6 text-center" role="status">
      <p className="font-medium">{title}</p>
      <p className="max-w-xl text-sm text-zinc-600 dark:text-zinc-400">{body}</p>
    </div>
  );
}
