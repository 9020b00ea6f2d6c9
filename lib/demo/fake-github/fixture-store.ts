import { createHash } from "node:crypto";
import { readdirSync, statSync, watch, type FSWatcher } from "node:fs";
import path from "node:path";
import { loadFixture, type Fixture } from "./fixture";

/** Above this many entries the per-request stat walk gets costly; rely on the watcher alone. */
const STAT_WALK_LIMIT = 3000;

/**
 * Serves the fixture and reloads it when a file changes, so a test (or the benchmark) can edit the
 * fixture between scans. Small trees are checked by a stat walk on every request (no race with a
 * write that just happened); large ones by a recursive fs.watch that marks the cache dirty.
 * `manual`: no checks at all, only reload() (POST /__reload) re-reads the folder; for benchmarks,
 * where the per-request stat walk would cost more than the latency being modelled.
 */
export type ReloadMode = "auto" | "manual";

export class FixtureStore {
  private current: Fixture;
  private signature: string;
  private entries = 0;
  private dirty = false;
  private watcher: FSWatcher | null = null;

  constructor(readonly root: string, readonly mode: ReloadMode = "auto") {
    this.current = loadFixture(root);
    this.signature = mode === "auto" ? this.computeSignature() : "";
    if (mode === "manual") return;
    try {
      this.watcher = watch(root, { recursive: true }, () => { this.dirty = true; });
      this.watcher.on("error", () => { this.watcher = null; });
    } catch {
      this.watcher = null;
    }
  }

  get(): Fixture {
    if (this.mode === "manual") return this.current;
    if (this.dirty || this.entries <= STAT_WALK_LIMIT || !this.watcher) {
      const sig = this.computeSignature();
      if (sig !== this.signature || this.dirty) this.reload(sig);
    }
    return this.current;
  }

  /** Force a reload (e.g. after writing files from another process without waiting for the watcher). */
  reload(signature = this.mode === "auto" ? this.computeSignature() : ""): void {
    this.dirty = false;
    // A half-written fixture keeps serving the previous good snapshot.
    try {
      this.current = loadFixture(this.root, this.current);
      this.signature = signature;
    } catch {
      this.dirty = true;
    }
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
  }

  private computeSignature(): string {
    const h = createHash("sha1");
    let count = 0;
    for (const d of readdirSync(this.root, { recursive: true, withFileTypes: true })) {
      const full = path.join(d.parentPath, d.name);
      count++;
      if (d.isFile()) {
        const s = statSync(full, { throwIfNoEntry: false });
        h.update(`${full}\0${s?.mtimeMs}\0${s?.size}\n`);
      } else {
        h.update(`${full}/\n`);
      }
    }
    this.entries = count;
    return h.digest("hex");
  }
}
