export { FixPrError, type FixPrErrorKind } from "./plan";
export { openFixPullRequest, workflowScopeMessage, type FixPrResult, type OpenFixPrInput } from "./open";
export { fixPullRequestsOf, refreshFixPullRequests, type FixPrView } from "./track";
