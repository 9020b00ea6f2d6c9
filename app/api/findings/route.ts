import { findingsToCsv, findingsToJson, findingsToSarif } from "@/lib/server/queries/export";
import { parseFindingFilters } from "@/lib/server/queries/finding-filters";
import { exportFindings, findingFacets, listFindings } from "@/lib/server/queries/findings";
import { api, json, jsonError } from "../_lib/route";

const FORMATS = ["csv", "json", "sarif"] as const;

/**
 * GET /api/findings?rule=&severity=&repo=&status=&q=&sort=&dir=&page=&pageSize=&after=&before=
 * Without `format`: one page plus facet counts; `nextCursor` / `prevCursor` are the `after` / `before` of
 * the pages beside it (keyset pages: an index range, however deep; `page` alone is still an offset). With format=csv|json|sarif: a download of every
 * finding the current filters select, in the same order.
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api({
  GET: async ({ req, db, org: currentOrg }) => {
    const params = new URLSearchParams(req.nextUrl.searchParams);
    const format = params.get("format");
    params.delete("format");
    if (format !== null && !(FORMATS as readonly string[]).includes(format)) {
      return jsonError(400, `format must be one of ${FORMATS.join(", ")}`);
    }
    const parsed = parseFindingFilters(params);
    if (!parsed.ok) return jsonError(400, `Invalid filter: ${parsed.error}`);
    const filters = parsed.filters;
    const org = await currentOrg();
    if (format === null) {
      const [page, facets] = await Promise.all([listFindings(db, org, filters), findingFacets(db, org)]);
      return json({ ...page, facets });
    }
    const rows = await exportFindings(db, org, filters);
    const stamp = new Date().toISOString().slice(0, 10);
    const name = `cacheguard-${org.login}-${stamp}`;
    if (format === "csv") {
      return new Response(findingsToCsv(rows), {
        headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}.csv"` },
      });
    }
    const body = format === "sarif" ? findingsToSarif(org.login, rows, req.nextUrl.origin) : findingsToJson(org.login, rows);
    return new Response(JSON.stringify(body, null, 2), {
      headers: {
        "content-type": format === "sarif" ? "application/sarif+json" : "application/json",
        "content-disposition": `attachment; filename="${name}.${format === "sarif" ? "sarif" : "json"}"`,
      },
    });
  },
});
