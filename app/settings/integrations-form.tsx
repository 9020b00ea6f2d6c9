"use client";

import { useEffect, useState } from "react";

export interface IntegrationView {
  enabled: boolean;
  source: "settings" | "env" | "default";
  env: string;
  envValue: string | null;
}
export interface IntegrationsView {
  codeScanning: IntegrationView;
  issues: IntegrationView;
}

const ITEMS: Array<{ key: keyof IntegrationsView; title: string; what: string; scopes: string }> = [
  {
    key: "codeScanning",
    title: "Upload findings to code scanning",
    what: "After each scan, each repository's SARIF is uploaded for its head commit on the default branch: the findings show in its Security tab and on pull requests. Repositories without findings are uploaded too, which closes fixed alerts.",
    scopes: "The token needs security_events (public_repo for public repositories only); a GitHub App needs Code scanning alerts: write. Private repositories need GitHub Advanced Security or code scanning enabled.",
  },
  {
    key: "issues",
    title: "Keep an issue per affected repository",
    what: "After each scan, each repository with open findings gets one issue labelled cacheguard listing them, updated when they change and closed with a comment once they are fixed.",
    scopes: "The token needs repo (public_repo for public repositories only); a GitHub App needs Issues: write.",
  },
];

function sourceText(v: IntegrationView): string {
  if (v.source === "settings") return "set on this page";
  if (v.source === "env") return `from ${v.env}=${v.envValue ?? ""}`;
  return `the default (set ${v.env}=1 to turn it on)`;
}

/** The GitHub integrations run after each scan: one switch each, saved at once. */
export function IntegrationsForm({ initial }: { initial: IntegrationsView }) {
  const [saved, setSaved] = useState(initial);
  const [busy, setBusy] = useState<keyof IntegrationsView | null>(null);
  const [status, setStatus] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  // a click before hydration would do nothing: disabled until then
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);

  async function save(key: keyof IntegrationsView, value: boolean | null) {
    setBusy(key);
    setStatus(null);
    try {
      const res = await fetch("/api/settings/integrations", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ [key]: value }) });
      const body = (await res.json().catch(() => ({}))) as Partial<IntegrationsView> & { error?: string };
      if (!res.ok) {
        setStatus({ kind: "error", text: body.error ?? `Could not save (HTTP ${res.status}).` });
        return;
      }
      const next = body as IntegrationsView;
      setSaved(next);
      const item = ITEMS.find((i) => i.key === key)!;
      setStatus({ kind: "ok", text: `${item.title}: ${next[key].enabled ? "on" : "off"} from the next scan.` });
    } catch {
      setStatus({ kind: "error", text: "Could not reach the server." });
    } finally {
      setBusy(null);
    }
  }

  return (
    <section aria-labelledby="integrations-h" className="rounded-lg border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900">
      <h2 id="integrations-h" className="font-semibold">GitHub integration</h2>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        What cacheguard writes to GitHub after each scan. What it did is listed on each scan&apos;s page, under &quot;After the scan&quot;; a failure there never fails the scan.
      </p>
      <ul className="mt-4 space-y-4">
        {ITEMS.map((item) => {
          const v = saved[item.key];
          return (
            <li key={item.key} className="flex gap-3">
              <input
                id={`integration-${item.key}`}
                type="checkbox"
                role="switch"
                checked={v.enabled}
                disabled={!hydrated || busy !== null}
                onChange={(e) => void save(item.key, e.target.checked)}
                aria-describedby={`integration-${item.key}-help`}
                className="mt-1 h-4 w-4"
              />
              <div className="text-sm">
                <label htmlFor={`integration-${item.key}`} className="font-medium">{item.title}</label>
                <span className="ml-2 text-zinc-500">({v.enabled ? "on" : "off"}, {sourceText(v)})</span>
                <p id={`integration-${item.key}-help`} className="mt-1 text-zinc-600 dark:text-zinc-400">{item.what} {item.scopes}</p>
                {v.source === "settings" ? (
                  <button type="button" disabled={busy !== null} onClick={() => void save(item.key, null)} className="mt-1 text-xs underline">
                    Use {v.env} instead
                  </button>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
      <div className="mt-2 text-sm">
        {status ? <p role={status.kind === "error" ? "alert" : "status"} className={status.kind === "error" ? "text-red-700 dark:text-red-400" : "text-emerald-700 dark:text-emerald-400"}>{status.text}</p> : null}
      </div>
    </section>
  );
}
