import clsx from "clsx";

/** A unified diff, coloured by line kind; the text stays selectable and copyable as-is. */
export function DiffView({ diff, label = "Suggested fix" }: { diff: string; label?: string }) {
  const lines = diff.replace(/\n$/, "").split("\n");
  return (
    <pre aria-label={label} className="overflow-x-auto rounded-md border border-zinc-200 bg-white py-2 text-[13px] leading-6 dark:border-zinc-800 dark:bg-zinc-950" data-testid="fix-diff">
      <code>
        {lines.map((l, i) => {
          const header = l.startsWith("---") || l.startsWith("+++");
          return (
            <span
              key={i}
              className={clsx(
                "block min-w-max whitespace-pre px-3",
                header && "font-semibold text-zinc-600 dark:text-zinc-400",
                !header && l.startsWith("@@") && "bg-sky-50 text-sky-800 dark:bg-sky-500/10 dark:text-sky-300",
                !header && l.startsWith("+") && "bg-emerald-50 text-emerald-800 dark:bg-emerald-500/10 dark:text-emerald-300",
                !header && l.startsWith("-") && "bg-red-50 text-red-800 dark:bg-red-500/10 dark:text-red-300",
              )}
            >
              {l || " "}
            </span>
          );
        })}
      </code>
    </pre>
  );
}
