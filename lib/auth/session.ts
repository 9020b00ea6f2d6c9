import { getServerSession } from "next-auth";
import { authRequired } from "@/lib/auth/config";
import { buildAuthOptions } from "@/lib/auth/options";

export interface SignedInUser {
  login: string;
  name: string | null;
  image: string | null;
}

/**
 * The signed-in GitHub user, for server components (a header showing who is signed in).
 * Null in demo mode (nobody signs in) and when there is no session (proxy.ts has redirected then).
 */
export async function currentUser(): Promise<SignedInUser | null> {
  if (!authRequired()) return null;
  const session = await getServerSession(buildAuthOptions());
  const user = session?.user as { login?: string; name?: string | null; image?: string | null } | undefined;
  if (!user?.login) return null;
  return { login: user.login, name: user.name ?? null, image: user.image ?? null };
}
