/**
 * Totals of the contract suite (tests/contract/tally.ts): run after `vitest run` of tests/contract.
 * `--reset` empties the tally before a run. Prints one line per category, distinct items counted.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { TALLY_DIR } from "../tests/contract/tally";

if (process.argv.includes("--reset")) {
  rmSync(TALLY_DIR, { recursive: true, force: true });
} else {
  const items = new Map<string, Set<string>>();
  if (existsSync(TALLY_DIR)) {
    for (const name of readdirSync(TALLY_DIR)) {
      for (const line of readFileSync(path.join(TALLY_DIR, name), "utf8").split("\n").filter(Boolean)) {
        const { category, item } = JSON.parse(line) as { category: string; item: string };
        if (!items.has(category)) items.set(category, new Set());
        items.get(category)!.add(item);
      }
    }
  }
  process.stdout.write("contract checks:\n");
  for (const [category, set] of [...items].sort()) process.stdout.write(`  ${category}: ${set.size}\n`);
  if (items.size === 0) process.stdout.write("  (none recorded)\n");
}
