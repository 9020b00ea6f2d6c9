/** Writes docs/rules.md from the rule metadata: `npm run docs:rules`. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { rules } from "../lib/engine/rules/index";
import { renderRulesMarkdown } from "../lib/engine/rules/docs";

const target = path.join(import.meta.dirname, "..", "docs", "rules.md");
writeFileSync(target, renderRulesMarkdown(rules));
process.stdout.write(`wrote ${path.relative(process.cwd(), target)} (${rules.length} rules)\n`);
