"use client";

import { signIn, signOut } from "next-auth/react";
import { useState } from "react";

/** Starts the GitHub OAuth web flow; `login` is GitHub's own hint for which account to use. */
export function SignInButton({ callbackUrl, login, label = "Sign in with GitHub" }: { callbackUrl: string; login?: string; label?: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        void signIn("github", { callbackUrl }, login ? { login } : undefined);
      }}
      className="inline-flex h-10 items-center gap-2 rounded-md bg-zinc-900 px-4 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-60 dark:bg-zinc-100 dark:text-zinc-900"
    >
      {busy ? "Redirecting to GitHub…" : label}
    </button>
  );
}

export function SignOutButton() {
  return (
    <button
      type="button"
      onClick={() => void signOut({ callbackUrl: "/signin" })}
      className="h-8 rounded-md border border-zinc-300 px-3 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
    >
      Sign out
    </button>
  );
}
