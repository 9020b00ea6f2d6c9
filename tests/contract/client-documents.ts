/**
 * Every GraphQL document the scan client can send, as it generates them: the client's own
 * functions driven with realistic inputs through a stand-in client that records each request
 * (query + variables) and answers just enough for the next request to be made.
 */
import type { GitHubClient } from "@/lib/github/client";
import { GitHubError } from "@/lib/github/errors";
import { fetchFilesByPath, fetchWorkflowFiles, type WantedFiles } from "@/lib/github/files";
import { getOrgRepo, listOrgReposReport } from "@/lib/github/repos";

export interface SentDocument { shape: string; query: string; variables: Record<string, unknown> }

type Answer = (query: string, vars: Record<string, unknown>) => unknown;

function recorder(answer: Answer, sent: SentDocument[], shape: string): GitHubClient {
  const gh = {
    config: { apiUrl: "http://stand-in", retryBaseMs: 0, auth: "token" },
    stats: { rest: 0, graphql: 0, registry: 0 },
    error: (err: unknown) => (err instanceof GitHubError ? err : new GitHubError("network", String(err))),
    async graphqlPartial(query: string, variables: Record<string, unknown> = {}) {
      sent.push({ shape, query, variables });
      return { data: answer(query, variables), errors: [] };
    },
  };
  return gh as unknown as GitHubClient;
}

const oid = (i: number) => i.toString(16).padStart(40, "0");

/** An organization of `total` repositories, answered 100 a page, so the listing sends its first and later pages. */
function repoPages(total: number): Answer {
  return (_q, vars) => {
    const start = vars.cursor ? Number(Buffer.from(String(vars.cursor), "base64").toString().split(":").pop()) + 1 : 0;
    const end = Math.min(start + 100, total);
    const nodes = Array.from({ length: end - start }, (_, k) => ({
      name: `repo-${start + k}`, nameWithOwner: `acme/repo-${start + k}`, isArchived: false, isFork: false, isEmpty: false, isPrivate: false,
      pushedAt: "2024-05-01T12:00:00Z", defaultBranchRef: { name: "main", target: { oid: oid(start + k) } },
    }));
    return {
      organization: {
        repositories: { totalCount: total, pageInfo: { hasNextPage: end < total, endCursor: Buffer.from(`cursor:v2:${end - 1}`).toString("base64") }, nodes },
      },
    };
  };
}

const names = (n: number, prefix = "svc") => Array.from({ length: n }, (_, i) => ({ name: `${prefix}-${i}` }));

/** The documents, shape by shape: the repository listing's pages, every workflow batch size, files by path at refs. */
export async function clientDocuments(): Promise<SentDocument[]> {
  const sent: SentDocument[] = [];
  await listOrgReposReport(recorder(repoPages(230), sent, "repository listing"), "acme", {});
  // a webhook's incremental scan asks for the one repository it reads
  await getOrgRepo(recorder(() => ({ repository: null }), sent, "one repository"), "acme", "api");

  // fetchWorkflowFiles splits repositories in batches of 25, and halves a batch GitHub refuses:
  // every size from 1 to 25 is a document it can send
  for (let n = 1; n <= 25; n++) await fetchWorkflowFiles(recorder(() => ({}), sent, `workflow trees, ${n} repositories`), "acme", names(n));
  await fetchWorkflowFiles(recorder(() => ({}), sent, "workflow trees, batch size 10"), "acme", names(12), { batchSize: 10 });

  const wanted: WantedFiles[][] = [
    [{ repo: "platform", paths: ["docker-bake.hcl"] }],
    [{ repo: "inventory", paths: ["ci/release.sh", "ci/docker-bake.hcl", "./ci/../Makefile"] }],
    // one repository at several refs shares its alias: a tag, a branch with a slash, a full sha, HEAD
    [
      { repo: "ci-actions", ref: "v1", paths: ["docker-build/action.yml", "docker-build/action.yaml"] },
      { repo: "ci-actions", ref: "release/1.x", paths: [".github/workflows/docker-release.yml"] },
      { repo: "ci-actions", ref: oid(0xc0ffee), paths: ["docker-build/action.yml"] },
      { repo: "ci-actions", paths: ["README.md"] },
    ],
    // paths a workflow may name: spaces, unicode, quotes are variables, never query text
    [{ repo: "web", paths: ["docker/compose file.yml", "déploiement/docker-bake.json", 'odd"name.hcl'] }],
    // 30 repositories: a full batch of 25 and one of 5
    Array.from({ length: 30 }, (_, i) => ({ repo: `svc-${i}`, paths: ["docker-compose.yml", "Makefile"] })),
  ];
  for (const [i, w] of wanted.entries()) await fetchFilesByPath(recorder(() => ({}), sent, `files by path #${i + 1}`), "acme", w);
  return sent;
}
