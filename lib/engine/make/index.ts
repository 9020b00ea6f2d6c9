/** Makefiles: parse once, evaluate variables per invocation, list the recipe lines a goal runs. */
export { parseMakefile } from "./parse";
export { makeVariables, type MakeScope, type MakeVars } from "./variables";
export { defaultGoal, recipeFor, type RecipeLine, type RecipeOptions } from "./recipe";
export type { Assignment, Condition, Conditional, MakeRule, Makefile, RecipeSpan, Statement } from "./model";
