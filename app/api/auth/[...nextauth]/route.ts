import NextAuth from "next-auth";
import { authRequired } from "@/lib/auth/config";
import { buildAuthOptions } from "@/lib/auth/options";

type Ctx = { params: Promise<{ nextauth: string[] }> };

/** Options are built per request from the runtime environment, so one build serves demo and real mode. */
async function handler(req: Request, ctx: Ctx): Promise<Response> {
  if (!authRequired()) {
    return Response.json({ error: "Sign-in is off in demo mode: every page is open." }, { status: 404 });
  }
  let options;
  try {
    options = buildAuthOptions();
  } catch (e) {
    return Response.json({ error: e instanceof Error ? e.message : "Sign-in is not configured." }, { status: 500 });
  }
  return (await NextAuth(req as never, ctx as never, options)) as Response;
}

export { handler as GET, handler as POST };
