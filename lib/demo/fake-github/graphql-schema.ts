import { buildSchema } from "graphql";

/** A subset of GitHub's public GraphQL schema (same names, types and nullability) for what scanners ask. */
export const schema = buildSchema(/* GraphQL */ `
  scalar DateTime
  scalar GitObjectID
  scalar URI

  type Query {
    organization(login: String!): Organization
    repository(owner: String!, name: String!, followRenames: Boolean = true): Repository
    rateLimit(dryRun: Boolean = false): RateLimit
    viewer: User!
  }

  type RateLimit { limit: Int! cost: Int! remaining: Int! resetAt: DateTime! used: Int! nodeCount: Int! }

  interface RepositoryOwner { id: ID! login: String! url: URI! }

  type User implements RepositoryOwner { id: ID! login: String! name: String url: URI! }

  enum RepositoryPrivacy { PUBLIC PRIVATE }
  enum RepositoryVisibility { PRIVATE PUBLIC INTERNAL }
  enum RepositoryAffiliation { OWNER COLLABORATOR ORGANIZATION_MEMBER }
  enum RepositoryOrderField { CREATED_AT UPDATED_AT PUSHED_AT NAME STARGAZERS }
  enum OrderDirection { ASC DESC }
  input RepositoryOrder { field: RepositoryOrderField! direction: OrderDirection! }

  type Organization implements RepositoryOwner {
    id: ID!
    databaseId: Int
    login: String!
    name: String
    url: URI!
    repository(name: String!, followRenames: Boolean = true): Repository
    repositories(
      first: Int, after: String, last: Int, before: String,
      privacy: RepositoryPrivacy, visibility: RepositoryVisibility, orderBy: RepositoryOrder,
      affiliations: [RepositoryAffiliation], ownerAffiliations: [RepositoryAffiliation],
      isLocked: Boolean, isFork: Boolean, isArchived: Boolean, hasIssuesEnabled: Boolean
    ): RepositoryConnection!
  }

  type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
  type RepositoryEdge { cursor: String! node: Repository }
  type RepositoryConnection { totalCount: Int! pageInfo: PageInfo! nodes: [Repository] edges: [RepositoryEdge] }

  type Repository {
    id: ID!
    databaseId: Int
    name: String!
    nameWithOwner: String!
    description: String
    url: URI!
    owner: RepositoryOwner!
    isArchived: Boolean!
    isFork: Boolean!
    isEmpty: Boolean!
    isPrivate: Boolean!
    isDisabled: Boolean!
    isLocked: Boolean!
    visibility: RepositoryVisibility!
    createdAt: DateTime!
    updatedAt: DateTime!
    pushedAt: DateTime
    diskUsage: Int
    defaultBranchRef: Ref
    ref(qualifiedName: String!): Ref
    object(expression: String, oid: GitObjectID): GitObject
  }

  type Ref { id: ID! name: String! prefix: String! repository: Repository! target: GitObject }

  interface GitObject { id: ID! oid: GitObjectID! abbreviatedOid: String! repository: Repository! }

  type Commit implements GitObject {
    id: ID! oid: GitObjectID! abbreviatedOid: String! repository: Repository!
    committedDate: DateTime! pushedDate: DateTime message: String! messageHeadline: String! tree: Tree!
  }

  type Tree implements GitObject {
    id: ID! oid: GitObjectID! abbreviatedOid: String! repository: Repository!
    entries: [TreeEntry!]
  }

  type TreeEntry {
    name: String! path: String oid: GitObjectID! mode: Int! type: String! size: Int! extension: String
    isGenerated: Boolean! lineCount: Int object: GitObject repository: Repository!
  }

  type Blob implements GitObject {
    id: ID! oid: GitObjectID! abbreviatedOid: String! repository: Repository!
    byteSize: Int! isBinary: Boolean isTruncated: Boolean! text: String
  }
`);
