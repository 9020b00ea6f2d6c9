import { it } from "vitest";
import { scanEnv } from "./scan-helpers";
import { runScan } from "@/lib/server/scan";
import { run as cleanup } from "@/lib/cli/commands/cleanup";
it("prof", async () => {
  const env = await scanEnv();
  await runScan(env.db, { config: env.config, trigger: "cli", afterScanTasks: [] });
  for (let i = 0; i < 2; i++) {
    const t = Date.now();
    let err = "";
    await cleanup(["--org", "acme", "--api-url", env.server.url, "--registry-url", env.server.url, "--plan", "--format", "json"], { stdout: () => {}, stderr: (s) => (err += s) }, { DATABASE_URL: env.dbUrl, GITHUB_TOKEN: "demo-token" });
    console.log("plan", i, Date.now() - t, "ms", err.slice(0, 200));
  }
  await env.close();
}, 200000);
