/** The engine's public surface: pure analysis, files and API data in, plain data out. */
export type * from "./types";
export { discover, readKey, unnamedBakeCandidates, type DiscoveryUnit, type Discovered, type ReadAnswer, type WantReader } from "./discover";
export { describeCall } from "./describe-call";
export { displayPath, foreignPath, ownPath, parseForeignPath } from "./paths";
export { analyze, analyzeFollowing, analyzeRepos, runRules, sortFindings, withFingerprints, type AnalysisResult } from "./analyze";
export { fingerprint } from "./fingerprint";
export { compareRefs, normalizedRef } from "./compare";
export { cacheTagFor, separateCacheFix, separateCacheRaw, unifiedDiff } from "./fix";
export { rules } from "./rules/index";
export { normalizeImageRef, type ImageRef } from "./refs";
export { extractRepo, isWorkflowPath } from "./extract";
