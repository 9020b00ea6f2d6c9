import { rules } from "@/lib/engine/rules/index";

export interface RuleDoc {
  id: string;
  title: string;
  severity: string;
  description: string;
  fix: string;
  example: { bad: string; good: string };
}

/** Rule docs come from each rule's own metadata, so docs and checks cannot drift apart. */
export function listRules(): RuleDoc[] {
  return rules.map((r) => ({ id: r.id, title: r.title, severity: r.severity, description: r.description, fix: r.fix, example: r.example }));
}

export function getRule(id: string): RuleDoc | null {
  return listRules().find((r) => r.id === id) ?? null;
}
