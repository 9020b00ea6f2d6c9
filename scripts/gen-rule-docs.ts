/** Writes docs/rules.md and the README's rule table from the rule metadata: `npm run docs:rules`. */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { rules } from "../lib/engine/rules/index";
import { renderRulesMarkdown, updateReadmeRules } from "../lib/engine/rules/docs";

const root = path.join(import.meta.dirname, "..");
writeFileSync(path.join(root, "docs", "rules.md"), renderRulesMarkdown(rules));
const readmePath = path.join(root, "README.md");
writeFileSync(readmePath, updateReadmeRules(readFileSync(readmePath, "utf8"), rules));
process.stdout.write(`wrote docs/rules.md and the README rule table (${rules.length} rules)\n`);
