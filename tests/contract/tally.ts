/**
 * What the contract suite checked, counted across its test files (each runs in its own process):
 * every check appends one line to a file, and `scripts/contract-summary.ts` prints the totals after
 * the run ("GraphQL documents validated: 14", …), so the numbers are what actually ran.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const TALLY_DIR = process.env.CONTRACT_TALLY_DIR ?? path.join(tmpdir(), "cacheguard-contract-tally");

/** Count one checked item of a category ("REST answers validated", "registry behaviours compared", …). */
export function tally(category: string, item: string): void {
  mkdirSync(TALLY_DIR, { recursive: true });
  appendFileSync(path.join(TALLY_DIR, `${process.pid}.jsonl`), `${JSON.stringify({ category, item })}\n`);
}
