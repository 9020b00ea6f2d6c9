import { analyze } from "@/lib/engine/analyze";
import { readFileSync } from "node:fs";
for (const p of process.argv.slice(2)) {
  for (const repo of [undefined, "acme/shop"]) {
    const r = await analyze([{ path: ".github/workflows/x.yml", text: readFileSync(p, "utf8") }], repo ? { repo } : {});
    console.log(`-- ${p} repo=${repo}`);
    for (const f of r.findings) console.log(f.line, f.severity, f.confidence, f.ruleId, f.message.slice(0, 220), "\n   FIX:", f.fix?.description);
  }
}
