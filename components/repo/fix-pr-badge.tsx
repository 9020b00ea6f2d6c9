import clsx from "clsx";

const STATE: Record<string, string> = {
  open: "bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-400/30",
  merged: "bg-violet-50 text-violet-700 ring-violet-600/20 dark:bg-violet-500/10 dark:text-violet-300 dark:ring-violet-400/30",
  closed: "bg-zinc-100 text-zinc-700 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-400/20",
};

/** A fix pull request's state as the last scan (or the open call) read it. */
export function FixPrBadge({ state }: { state: string }) {
  return (
    <span data-testid="fix-pr-state" className={clsx("inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset", STATE[state] ?? STATE.closed)}>
      {state}
    </span>
  );
}
