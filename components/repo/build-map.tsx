import clsx from "clsx";
import type { BuildMap } from "@/lib/server/build-map";

function RefList({ items, conflict, empty }: { items: Array<{ ref: string | null; raw?: string; line: number; type?: string }>; conflict: Set<string>; empty: string }) {
  if (items.length === 0) return <p className="text-xs text-zinc-400">{empty}</p>;
  return (
    <ul className="flex flex-col gap-1">
      {items.map((it, i) => {
        const bad = it.ref !== null && conflict.has(it.ref);
        return (
          <li key={i} className="flex items-start gap-1 text-xs">
            <code className={clsx("whitespace-nowrap rounded px-1", bad ? "bg-red-100 text-red-800 dark:bg-red-500/20 dark:text-red-200" : "bg-zinc-100 dark:bg-zinc-800")}>
              {it.ref ?? it.raw}
            </code>
            <span className="shrink-0 text-zinc-400">L{it.line}</span>
            {bad && <span className="shrink-0 font-semibold text-red-700 dark:text-red-300">image + cache</span>}
          </li>
        );
      })}
    </ul>
  );
}

/** Which build pushes which tag, exports/imports which cache, and who pulls those refs. */
export function BuildMapView({ map }: { map: BuildMap }) {
  const imageRefs = new Set(map.builds.flatMap((b) => b.tags.map((t) => t.ref)));
  const cacheRefs = new Set(map.builds.flatMap((b) => b.cacheTo.map((c) => c.ref).filter((r): r is string => r !== null)));
  const conflict = new Set([...imageRefs].filter((r) => cacheRefs.has(r)));
  if (map.builds.length === 0 && map.consumers.length === 0) {
    return <p className="text-sm text-zinc-500">No docker builds or image pulls were found in this repository&apos;s workflows.</p>;
  }
  return (
    <div className="flex flex-col gap-3">
      {map.builds.length > 0 && (
        <div className="overflow-x-auto">
        <table className="w-full border-collapse text-left text-sm">
          <caption className="sr-only">Builds in this repository with the image tags they push and the caches they export and import</caption>
          <thead className="text-xs uppercase tracking-wide text-zinc-500">
            <tr className="border-b border-zinc-200 dark:border-zinc-800">
              <th scope="col" className="py-2 pr-3 font-medium">Build</th>
              <th scope="col" className="py-2 pr-3 font-medium">Pushes image tags</th>
              <th scope="col" className="py-2 pr-3 font-medium">Exports cache</th>
              <th scope="col" className="py-2 pr-3 font-medium">Imports cache</th>
              <th scope="col" className="py-2 font-medium">Pulled by</th>
            </tr>
          </thead>
          <tbody>
            {map.builds.map((b) => {
              const refs = new Set([...b.tags.map((t) => t.ref), ...b.cacheTo.map((c) => c.ref)]);
              const consumers = map.consumers.filter((c) => refs.has(c.ref));
              return (
                <tr key={b.id} className="border-b border-zinc-100 align-top dark:border-zinc-800/60">
                  <th scope="row" className="py-2 pr-3 font-normal">
                    <p className="font-medium">{b.bakeTarget ? `bake target ${b.bakeTarget}` : b.stepName ?? `job ${b.job}`}</p>
                    <p className="font-mono text-xs text-zinc-500">{b.path}:{b.line}</p>
                    <p className="text-xs text-zinc-500">{b.source} · job {b.job}{b.push === false ? " · no push" : ""}</p>
                  </th>
                  <td className="py-2 pr-3"><RefList items={b.tags} conflict={conflict} empty="none" /></td>
                  <td className="py-2 pr-3"><RefList items={b.cacheTo} conflict={conflict} empty="none" /></td>
                  <td className="py-2 pr-3"><RefList items={b.cacheFrom} conflict={new Set()} empty="none" /></td>
                  <td className="py-2">
                    {consumers.length === 0 ? (
                      <p className="text-xs text-zinc-400">nobody in this repo</p>
                    ) : (
                      <ul className="text-xs">
                        {consumers.map((c, i) => (
                          <li key={i}>
                            <code>{c.kind}</code> {c.path}:{c.line}
                            {cacheRefs.has(c.ref) && <span className="ml-1 font-semibold text-red-700 dark:text-red-300">pulls a cache ref</span>}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        </div>
      )}
      {map.consumers.length > 0 && (
        <div>
          <h3 className="mb-1 text-sm font-semibold">Images pulled or run</h3>
          <ul className="flex flex-col gap-1 text-xs">
            {map.consumers.map((c, i) => (
              <li key={i} className="flex flex-wrap gap-2">
                <code className={clsx("rounded px-1", cacheRefs.has(c.ref) ? "bg-red-100 text-red-800 dark:bg-red-500/20 dark:text-red-200" : "bg-zinc-100 dark:bg-zinc-800")}>{c.ref}</code>
                <span className="text-zinc-500">{c.kind} · {c.path}:{c.line}{c.job ? ` · job ${c.job}` : ""}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {map.errors.length > 0 && (
        <ul className="text-xs text-amber-700 dark:text-amber-300">
          {map.errors.map((e, i) => (
            <li key={i}>{e.path}{e.line ? `:${e.line}` : ""}: {e.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
