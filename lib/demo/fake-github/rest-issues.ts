import type { components } from "@octokit/openapi-types";
import type { FixtureRepo } from "./fixture";
import { nextNumber, type FakeComment, type FakeIssue, type FakeLabel, type FakePull, type RepoWrites } from "./git-writes";
import { hasScope, isMember, isoNow, notFound, paginate, send, sendError, type Ctx } from "./http";
import { stableUserId } from "./rate-limit";
import { jsonBody } from "./rest-git";
import { findRepo } from "./rest-repos";
import { simpleUserJson } from "./shapes";

/**
 * Issues, their comments and the repository's labels as GitHub's REST API serves them. Issues and
 * pull requests share a repository's numbers, and the issues list and `GET …/issues/{n}` show pull
 * requests too (with `pull_request`), as GitHub does. Kept in memory, like the other writes.
 *
 * Access as on GitHub, in the fake's model: reading needs the repository to be visible; opening an
 * issue or commenting on a public repository needs any token; everything else (editing, labels,
 * commenting on a private repository) needs push access: an org member whose token has `repo`
 * (or `public_repo` for a public repository); without it the repository answers 404. Labels and
 * assignees sent without push access are dropped silently, as GitHub does.
 */

type Schemas = components["schemas"];

const DOCS = {
  list: "https://docs.github.com/rest/issues/issues#list-repository-issues",
  get: "https://docs.github.com/rest/issues/issues#get-an-issue",
  create: "https://docs.github.com/rest/issues/issues#create-an-issue",
  update: "https://docs.github.com/rest/issues/issues#update-an-issue",
  comment: "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
  comments: "https://docs.github.com/rest/issues/comments#list-issue-comments",
  createLabel: "https://docs.github.com/rest/issues/labels#create-a-label",
  getLabel: "https://docs.github.com/rest/issues/labels#get-a-label",
};

/** The labels every new repository starts with (name, color, description). */
const DEFAULT_LABELS: Array<[string, string, string]> = [
  ["bug", "d73a4a", "Something isn't working"],
  ["documentation", "0075ca", "Improvements or additions to documentation"],
  ["duplicate", "cfd3d7", "This issue or pull request already exists"],
  ["enhancement", "a2eeef", "New feature or request"],
  ["good first issue", "7057ff", "Good for newcomers"],
  ["help wanted", "008672", "Extra attention is needed"],
  ["invalid", "e4e669", "This doesn't seem right"],
  ["question", "d876e3", "Further information is requested"],
  ["wontfix", "ffffff", "This will not be worked on"],
];

interface Target { repo: FixtureRepo; w: RepoWrites; full: string; push: boolean }

function hasPush(ctx: Ctx, repo: FixtureRepo): boolean {
  if (!ctx.identity || !isMember(ctx.fixture, ctx.identity.user.login, ctx.state)) return false;
  return hasScope(ctx.identity, "repo") || (!repo.isPrivate && hasScope(ctx.identity, "public_repo"));
}

function target(ctx: Ctx, owner: string, name: string): Target | null {
  const repo = findRepo(ctx, owner, name);
  return repo ? { repo, w: ctx.state.writes.of(repo.name), full: `${ctx.fixture.org.login}/${repo.name}`, push: hasPush(ctx, repo) } : null;
}

/** A write's repository, or an answer already sent: 401 without a token, 404 when it may not write there. */
function writeTarget(ctx: Ctx, owner: string, name: string, docs: string, anyoneOnPublic: boolean): Target | null {
  if (!ctx.identity) {
    sendError(ctx, 401, "Requires authentication", docs);
    return null;
  }
  const t = target(ctx, owner, name);
  if (!t || !(t.push || (anyoneOnPublic && !t.repo.isPrivate))) {
    notFound(ctx, docs);
    return null;
  }
  return t;
}

function labelsOf(ctx: Ctx, w: RepoWrites): FakeLabel[] {
  w.labels ??= DEFAULT_LABELS.map(([name, color, description]) => ({ id: ctx.state.writes.nextId(), name, color, description, default: true }));
  return w.labels;
}

const findLabel = (ctx: Ctx, w: RepoWrites, name: string) => labelsOf(ctx, w).find((l) => l.name.toLowerCase() === name.toLowerCase());

function labelJson(ctx: Ctx, t: Target, l: FakeLabel): Schemas["label"] {
  return { id: l.id, node_id: `LA_${l.id}`, url: `${ctx.base}/repos/${t.full}/labels/${encodeURIComponent(l.name)}`, name: l.name, description: l.description, color: l.color, default: l.default };
}

const userOf = (ctx: Ctx, login: string) => simpleUserJson(ctx.base, login, stableUserId(login), "User");
const reactions = (url: string) => ({ url: `${url}/reactions`, total_count: 0, "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 });
const association = (ctx: Ctx, login: string) => (isMember(ctx.fixture, login, ctx.state) ? "MEMBER" as const : "NONE" as const);

/** What an issue and a pull request have in common in the issue shape. */
interface AsIssue {
  id: number; number: number; title: string; body: string | null; state: "open" | "closed"; stateReason: FakeIssue["stateReason"];
  labels: string[]; assignees: string[]; user: string; createdAt: string; updatedAt: string; closedAt: string | null; closedBy: string | null;
  pull?: FakePull;
}

const pullAsIssue = (p: FakePull): AsIssue => ({
  id: p.id, number: p.number, title: p.title, body: p.body, state: p.state, stateReason: null, labels: [], assignees: [], user: p.user,
  createdAt: p.createdAt, updatedAt: p.updatedAt, closedAt: p.closedAt, closedBy: null, pull: p,
});

function issueJson(ctx: Ctx, t: Target, i: AsIssue): Schemas["issue"] {
  const api = `${ctx.base}/repos/${t.full}`;
  const url = `${api}/issues/${i.number}`;
  const html = `https://github.com/${t.full}/${i.pull ? "pull" : "issues"}/${i.number}`;
  const labels = i.labels.map((n) => findLabel(ctx, t.w, n)).filter((l): l is FakeLabel => !!l).map((l) => labelJson(ctx, t, l));
  return {
    id: i.id, node_id: `${i.pull ? "PR" : "I"}_${i.id}`, url, repository_url: api, labels_url: `${url}/labels{/name}`, comments_url: `${url}/comments`,
    events_url: `${url}/events`, html_url: html, number: i.number, state: i.state, state_reason: i.stateReason, title: i.title, body: i.body,
    user: userOf(ctx, i.user), labels, assignee: i.assignees[0] ? userOf(ctx, i.assignees[0]) : null, assignees: i.assignees.map((a) => userOf(ctx, a)),
    milestone: null, locked: false, active_lock_reason: null, comments: t.w.comments.filter((c) => c.number === i.number).length,
    ...(i.pull ? { pull_request: { url: `${api}/pulls/${i.number}`, html_url: html, diff_url: `${html}.diff`, patch_url: `${html}.patch`, merged_at: i.pull.mergedAt }, draft: i.pull.draft } : {}),
    closed_at: i.closedAt, created_at: i.createdAt, updated_at: i.updatedAt, closed_by: i.closedBy ? userOf(ctx, i.closedBy) : null,
    author_association: association(ctx, i.user), reactions: reactions(url), timeline_url: `${url}/timeline`, performed_via_github_app: null,
  };
}

function commentJson(ctx: Ctx, t: Target, c: FakeComment): Schemas["issue-comment"] {
  const url = `${ctx.base}/repos/${t.full}/issues/comments/${c.id}`;
  const isPull = t.w.pulls.some((p) => p.number === c.number);
  return {
    id: c.id, node_id: `IC_${c.id}`, url, body: c.body, html_url: `https://github.com/${t.full}/${isPull ? "pull" : "issues"}/${c.number}#issuecomment-${c.id}`,
    user: userOf(ctx, c.user), created_at: c.createdAt, updated_at: c.updatedAt, issue_url: `${ctx.base}/repos/${t.full}/issues/${c.number}`,
    author_association: association(ctx, c.user), reactions: reactions(url), performed_via_github_app: null,
  };
}

function findAny(t: Target, n: string): AsIssue | undefined {
  const issue = t.w.issues.find((i) => String(i.number) === n);
  if (issue) return issue;
  const pull = t.w.pulls.find((p) => String(p.number) === n);
  return pull ? pullAsIssue(pull) : undefined;
}

/** 422 Validation Failed with GitHub's `errors` list. */
function invalid(ctx: Ctx, docs: string, resource: string, field: string, code: "missing_field" | "invalid" | "already_exists", message?: string): void {
  send(ctx, 422, { message: "Validation Failed", errors: [{ resource, code, field, ...(message ? { message } : {}) }], documentation_url: docs, status: "422" });
}

export function listIssues(ctx: Ctx, [owner, name]: string[]): void {
  const t = target(ctx, owner, name);
  if (!t) return notFound(ctx, DOCS.list);
  const q = ctx.url.searchParams;
  const state = q.get("state") ?? "open";
  if (!["open", "closed", "all"].includes(state)) return invalid(ctx, DOCS.list, "Issue", "state", "invalid");
  const sort = q.get("sort") ?? "created";
  if (!["created", "updated", "comments"].includes(sort)) return invalid(ctx, DOCS.list, "Issue", "sort", "invalid");
  const direction = q.get("direction") ?? "desc";
  if (!["asc", "desc"].includes(direction)) return invalid(ctx, DOCS.list, "Issue", "direction", "invalid");
  let items: AsIssue[] = [...t.w.issues, ...t.w.pulls.map(pullAsIssue)];
  if (state !== "all") items = items.filter((i) => i.state === state);
  const labels = (q.get("labels") ?? "").split(",").map((l) => l.trim().toLowerCase()).filter(Boolean);
  if (labels.length > 0) items = items.filter((i) => labels.every((l) => i.labels.some((x) => x.toLowerCase() === l)));
  const creator = q.get("creator");
  if (creator) items = items.filter((i) => i.user.toLowerCase() === creator.toLowerCase());
  const assignee = q.get("assignee");
  if (assignee === "none") items = items.filter((i) => i.assignees.length === 0);
  else if (assignee === "*") items = items.filter((i) => i.assignees.length > 0);
  else if (assignee) items = items.filter((i) => i.assignees.some((a) => a.toLowerCase() === assignee.toLowerCase()));
  const since = q.get("since");
  if (since && !Number.isNaN(Date.parse(since))) items = items.filter((i) => Date.parse(i.updatedAt) >= Date.parse(since));
  const key = (i: AsIssue): number => (sort === "updated" ? Date.parse(i.updatedAt) : sort === "comments" ? t.w.comments.filter((c) => c.number === i.number).length : i.number);
  items.sort((a, b) => (direction === "asc" ? key(a) - key(b) || a.number - b.number : key(b) - key(a) || b.number - a.number));
  const { page, link } = paginate(ctx, items);
  send(ctx, 200, page.map((i) => issueJson(ctx, t, i)), link);
}

export function getIssue(ctx: Ctx, [owner, name, n]: string[]): void {
  const t = target(ctx, owner, name);
  const i = t && findAny(t, n);
  if (!t || !i) return notFound(ctx, DOCS.get);
  send(ctx, 200, issueJson(ctx, t, i));
}

/** Label names of a request body (strings or `{ name }`), the repository's spelling; unknown names are created as GitHub does. */
function labelNames(ctx: Ctx, t: Target, raw: unknown): string[] | null {
  if (!Array.isArray(raw)) return null;
  const out: string[] = [];
  for (const item of raw) {
    const name = typeof item === "string" ? item : item && typeof item === "object" && typeof (item as { name?: unknown }).name === "string" ? (item as { name: string }).name : null;
    if (!name || !name.trim()) continue;
    let label = findLabel(ctx, t.w, name);
    if (!label) {
      label = { id: ctx.state.writes.nextId(), name: name.trim(), color: "ededed", description: null, default: false };
      labelsOf(ctx, t.w).push(label);
    }
    if (!out.includes(label.name)) out.push(label.name);
  }
  return out;
}

const stringList = (v: unknown): string[] | null => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : null);

export async function createIssue(ctx: Ctx, [owner, name]: string[]): Promise<void> {
  const t = writeTarget(ctx, owner, name, DOCS.create, true);
  if (!t) return;
  const body = await jsonBody(ctx, DOCS.create);
  if (!body) return;
  const title = typeof body.title === "number" ? String(body.title) : body.title;
  if (typeof title !== "string" || !title.trim()) return invalid(ctx, DOCS.create, "Issue", "title", "missing_field");
  if (body.body !== undefined && body.body !== null && typeof body.body !== "string") return sendError(ctx, 422, `Invalid request.\n\nFor 'properties/body', ${JSON.stringify(body.body)} is not a string.`, DOCS.create);
  const now = isoNow();
  const issue: FakeIssue = {
    id: ctx.state.writes.nextId(), number: nextNumber(t.w), title, body: typeof body.body === "string" ? body.body : null, state: "open", stateReason: null,
    labels: t.push ? (labelNames(ctx, t, body.labels) ?? []) : [], assignees: t.push ? (stringList(body.assignees) ?? (typeof body.assignee === "string" ? [body.assignee] : [])) : [],
    user: ctx.identity!.user.login, createdAt: now, updatedAt: now, closedAt: null, closedBy: null,
  };
  t.w.issues.push(issue);
  send(ctx, 201, issueJson(ctx, t, issue), { location: `${ctx.base}/repos/${t.full}/issues/${issue.number}` });
}

const STATE_REASONS = ["completed", "not_planned", "reopened", "duplicate"] as const;

export async function updateIssue(ctx: Ctx, [owner, name, n]: string[]): Promise<void> {
  const t = writeTarget(ctx, owner, name, DOCS.update, false);
  if (!t) return;
  const found = findAny(t, n);
  if (!found) return notFound(ctx, DOCS.update);
  const body = await jsonBody(ctx, DOCS.update);
  if (!body) return;
  if (body.state !== undefined && body.state !== "open" && body.state !== "closed") return invalid(ctx, DOCS.update, "Issue", "state", "invalid");
  if (body.state_reason !== undefined && body.state_reason !== null && !STATE_REASONS.includes(body.state_reason as (typeof STATE_REASONS)[number])) return invalid(ctx, DOCS.update, "Issue", "state_reason", "invalid");
  if (body.title !== undefined && body.title !== null && typeof body.title !== "string" && typeof body.title !== "number") return sendError(ctx, 422, `Invalid request.\n\nFor 'properties/title', ${JSON.stringify(body.title)} is not a string or an integer.`, DOCS.update);
  if (body.title !== undefined && String(body.title ?? "").trim() === "") return invalid(ctx, DOCS.update, "Issue", "title", "missing_field");
  if (body.body !== undefined && body.body !== null && typeof body.body !== "string") return sendError(ctx, 422, `Invalid request.\n\nFor 'properties/body', ${JSON.stringify(body.body)} is not a string.`, DOCS.update);
  const now = isoNow();
  const login = ctx.identity!.user.login;
  // a pull request's title, body and state change through the same route
  const rec: { title: string; body: string | null; state: "open" | "closed"; updatedAt: string; closedAt: string | null } = found.pull ?? t.w.issues.find((i) => i.number === found.number)!;
  if (body.title !== undefined && body.title !== null) rec.title = String(body.title);
  if (body.body !== undefined) rec.body = typeof body.body === "string" ? body.body : null;
  const issue = found.pull ? null : (rec as FakeIssue);
  if (issue) {
    const labels = labelNames(ctx, t, body.labels);
    if (labels) issue.labels = labels;
    const assignees = stringList(body.assignees);
    if (assignees) issue.assignees = assignees;
  }
  if (body.state === "closed" && rec.state === "open") {
    rec.state = "closed";
    rec.closedAt = now;
    if (issue) {
      issue.closedBy = login;
      issue.stateReason = (body.state_reason as FakeIssue["stateReason"]) ?? "completed";
    }
  } else if (body.state === "open" && rec.state === "closed" && !found.pull?.mergedAt) {
    rec.state = "open";
    rec.closedAt = null;
    if (issue) {
      issue.closedBy = null;
      issue.stateReason = "reopened";
    }
  } else if (issue && body.state_reason !== undefined && rec.state === "closed") {
    issue.stateReason = (body.state_reason as FakeIssue["stateReason"]) ?? null;
  }
  rec.updatedAt = now;
  send(ctx, 200, issueJson(ctx, t, findAny(t, n)!));
}

export async function createComment(ctx: Ctx, [owner, name, n]: string[]): Promise<void> {
  const t = writeTarget(ctx, owner, name, DOCS.comment, true);
  if (!t) return;
  const found = findAny(t, n);
  if (!found) return notFound(ctx, DOCS.comment);
  const body = await jsonBody(ctx, DOCS.comment);
  if (!body) return;
  if (typeof body.body !== "string" || !body.body.trim()) return invalid(ctx, DOCS.comment, "IssueComment", "body", "missing_field");
  const now = isoNow();
  const c: FakeComment = { id: ctx.state.writes.nextId(), number: found.number, body: body.body, user: ctx.identity!.user.login, createdAt: now, updatedAt: now };
  t.w.comments.push(c);
  const rec = found.pull ?? t.w.issues.find((i) => i.number === found.number);
  if (rec) rec.updatedAt = now;
  send(ctx, 201, commentJson(ctx, t, c), { location: `${ctx.base}/repos/${t.full}/issues/comments/${c.id}` });
}

export function listComments(ctx: Ctx, [owner, name, n]: string[]): void {
  const t = target(ctx, owner, name);
  const found = t && findAny(t, n);
  if (!t || !found) return notFound(ctx, DOCS.comments);
  const since = ctx.url.searchParams.get("since");
  const all = t.w.comments.filter((c) => c.number === found.number && (!since || Number.isNaN(Date.parse(since)) || Date.parse(c.updatedAt) >= Date.parse(since)));
  const { page, link } = paginate(ctx, all);
  send(ctx, 200, page.map((c) => commentJson(ctx, t, c)), link);
}

export async function createLabel(ctx: Ctx, [owner, name]: string[]): Promise<void> {
  const t = writeTarget(ctx, owner, name, DOCS.createLabel, false);
  if (!t) return;
  const body = await jsonBody(ctx, DOCS.createLabel);
  if (!body) return;
  if (typeof body.name !== "string" || !body.name.trim()) return invalid(ctx, DOCS.createLabel, "Label", "name", "missing_field");
  const color = body.color === undefined ? "ededed" : typeof body.color === "string" ? body.color.replace(/^#/, "") : null;
  if (color === null || !/^[0-9a-fA-F]{6}$/.test(color)) return invalid(ctx, DOCS.createLabel, "Label", "color", "invalid");
  if (body.description !== undefined && (typeof body.description !== "string" || body.description.length > 100)) return invalid(ctx, DOCS.createLabel, "Label", "description", "invalid");
  if (findLabel(ctx, t.w, body.name.trim())) return invalid(ctx, DOCS.createLabel, "Label", "name", "already_exists");
  const label: FakeLabel = { id: ctx.state.writes.nextId(), name: body.name.trim(), color: color.toLowerCase(), description: typeof body.description === "string" ? body.description : null, default: false };
  labelsOf(ctx, t.w).push(label);
  send(ctx, 201, labelJson(ctx, t, label), { location: `${ctx.base}/repos/${t.full}/labels/${encodeURIComponent(label.name)}` });
}

export function getLabel(ctx: Ctx, [owner, name, label]: string[]): void {
  const t = target(ctx, owner, name);
  const l = t && findLabel(ctx, t.w, decodeURIComponent(label));
  if (!t || !l) return notFound(ctx, DOCS.getLabel);
  send(ctx, 200, labelJson(ctx, t, l));
}
