/** The `cacheguard cleanup` command line for a plan's options (the dashboard shows it, the CLI echoes it). */
export function cleanupCommand(o: { org: string; package?: string | null; olderThan?: string | null; keepLast?: number | null; apply: boolean }): string {
  const parts = ["npm run --silent cacheguard -- cleanup", `--org ${o.org}`];
  if (o.package) parts.push(`--package ${o.package}`);
  if (o.olderThan) parts.push(`--older-than ${o.olderThan}`);
  if (o.keepLast) parts.push(`--keep-last ${o.keepLast}`);
  parts.push(o.apply ? "--apply" : "--plan");
  return parts.join(" ");
}
