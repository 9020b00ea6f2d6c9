"use client";

import { useOrgHref } from "@/components/org-link";
import { useEffect, useState } from "react";
import type { AlertField, AlertFieldView, AlertSettingsView } from "@/lib/server/alerts/config";

type TestResult = { kind: string; target: string; status: string; attempts: number; message: string };

const FIELDS: Array<{ field: AlertField; label: string; env: string; placeholder: string; secret: boolean; help: string }> = [
  {
    field: "slackUrl", label: "Slack incoming webhook URL", env: "CACHEGUARD_SLACK_WEBHOOK_URL",
    placeholder: "https://hooks.slack.com/services/…", secret: false,
    help: "A Block Kit message with the counts and the new findings.",
  },
  {
    field: "webhookUrl", label: "Webhook URL", env: "CACHEGUARD_ALERT_WEBHOOK_URL",
    placeholder: "https://hooks.example.com/cacheguard", secret: false,
    help: "A scan.completed JSON event, signed with the secret below (X-Cacheguard-Signature: sha256=…).",
  },
  {
    field: "webhookSecret", label: "Webhook signing secret", env: "CACHEGUARD_ALERT_WEBHOOK_SECRET",
    placeholder: "at least 16 characters", secret: true,
    help: "The HMAC-SHA256 key. The webhook is never sent without one.",
  },
];

function describe(v: AlertFieldView, env: string): string {
  const where = v.host ? ` (a URL on ${v.host})` : "";
  if (v.off) return `Off, set on this page${v.envSet ? ` (${env} is ignored)` : ""}.`;
  if (v.source === "settings") return `Set on this page${where}${v.envSet ? `; it overrides ${env}` : ""}.`;
  if (v.source === "env") return `From ${env}${where}.`;
  return "Not set.";
}

/**
 * Where alerts go after a scan. Values are write-only: the page shows where each comes from and the
 * receiver's host, never the value; an empty field keeps what is saved.
 */
export function AlertsForm({ initial }: { initial: AlertSettingsView }) {
  const orgHref = useOrgHref();
  const [saved, setSaved] = useState(initial);
  const [draft, setDraft] = useState<Record<AlertField, string>>({ slackUrl: "", webhookUrl: "", webhookSecret: "" });
  const [fieldError, setFieldError] = useState<{ field: AlertField | null; text: string } | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState<"save" | "test" | null>(null);
  const [results, setResults] = useState<TestResult[] | null>(null);
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);

  const edited = Object.values(draft).some((v) => v !== "");

  async function save(body: Partial<Record<AlertField, string>>) {
    setBusy("save");
    setFieldError(null);
    setStatus(null);
    try {
      const res = await fetch("/api/settings/alerts", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const out = (await res.json().catch(() => ({}))) as Partial<AlertSettingsView> & { error?: string; field?: AlertField };
      if (!res.ok) {
        setFieldError({ field: out.field ?? null, text: out.error ?? `Could not save (HTTP ${res.status}).` });
        return;
      }
      setSaved(out as AlertSettingsView);
      setDraft({ slackUrl: "", webhookUrl: "", webhookSecret: "" });
      setStatus("Saved.");
    } catch {
      setFieldError({ field: null, text: "Could not reach the server." });
    } finally {
      setBusy(null);
    }
  }

  async function test() {
    setBusy("test");
    setFieldError(null);
    setStatus(null);
    setResults(null);
    try {
      const res = await fetch(orgHref("/api/settings/alerts/test"), { method: "POST" });
      const out = (await res.json().catch(() => ({}))) as { results?: TestResult[]; error?: string };
      if (!res.ok) {
        setFieldError({ field: null, text: out.error ?? `The test could not be sent (HTTP ${res.status}).` });
        return;
      }
      setResults(out.results ?? []);
    } catch {
      setFieldError({ field: null, text: "Could not reach the server." });
    } finally {
      setBusy(null);
    }
  }

  const anyReceiver = saved.slackUrl.set || saved.webhookUrl.set;
  return (
    <section aria-labelledby="alerts-h" className="rounded-lg border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900">
      <h2 id="alerts-h" className="font-semibold">Alerts</h2>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        After a scan with new (not silenced) or resolved findings. Failed deliveries are retried, then shown on the scan&apos;s page; they never fail the scan.{" "}
        {saved.dashboardUrl ? <>Links point at <code>{saved.dashboardUrl}</code>.</> : null}
      </p>
      <form
        className="mt-4 flex flex-col gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          const body: Partial<Record<AlertField, string>> = {};
          for (const f of FIELDS) if (draft[f.field] !== "") body[f.field] = draft[f.field];
          if (Object.keys(body).length > 0) void save(body);
        }}
      >
        {FIELDS.map((f) => {
          const v = saved[f.field];
          const err = fieldError?.field === f.field ? fieldError.text : null;
          return (
            <div key={f.field} className="flex flex-col gap-1 text-sm" data-testid={`alerts-${f.field}`}>
              <label htmlFor={`alerts-${f.field}-input`} className="font-medium">{f.label}</label>
              <p className="text-zinc-600 dark:text-zinc-400" data-testid={`alerts-${f.field}-source`}>{describe(v, f.env)}{v.problem ? ` ${v.problem}.` : ""}</p>
              <div className="flex flex-wrap items-center gap-2">
                <input
                  id={`alerts-${f.field}-input`}
                  name={f.field}
                  type={f.secret ? "password" : "text"}
                  inputMode={f.secret ? undefined : "url"}
                  autoComplete="off"
                  spellCheck={false}
                  value={draft[f.field]}
                  onChange={(e) => setDraft({ ...draft, [f.field]: e.target.value })}
                  readOnly={!hydrated}
                  placeholder={v.set ? "saved; type to replace" : f.placeholder}
                  aria-invalid={err ? true : undefined}
                  aria-describedby={`alerts-${f.field}-help${err ? ` alerts-${f.field}-error` : ""}`}
                  className="h-9 w-[28rem] max-w-full rounded-md border border-zinc-300 bg-white px-2 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-950"
                />
                {v.source === "settings" ? (
                  <button type="button" disabled={busy !== null} onClick={() => void save({ [f.field]: "" })} className="h-9 rounded-md border border-zinc-300 px-3 text-sm dark:border-zinc-700">
                    {v.envSet ? `Use ${f.env}` : "Clear"}
                  </button>
                ) : null}
              </div>
              <p id={`alerts-${f.field}-help`} className="text-xs text-zinc-500">
                {f.help}{f.secret ? "" : " Type off to turn it off whatever the environment says."}
              </p>
              {err ? <p id={`alerts-${f.field}-error`} role="alert" className="text-red-700 dark:text-red-400">{err}</p> : null}
            </div>
          );
        })}
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" disabled={busy !== null || !edited} className="h-9 rounded-md bg-zinc-900 px-4 text-sm font-medium text-white disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900">
            {busy === "save" ? "Saving…" : "Save"}
          </button>
          <button
            type="button"
            disabled={busy !== null || !anyReceiver || edited}
            title={edited ? "Save first: the test goes to the saved receivers" : undefined}
            onClick={() => void test()}
            className="h-9 rounded-md border border-zinc-300 px-4 text-sm disabled:opacity-50 dark:border-zinc-700"
          >
            {busy === "test" ? "Sending…" : "Send test"}
          </button>
          {status ? <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">{status}</p> : null}
        </div>
        {fieldError && fieldError.field === null ? <p role="alert" className="text-sm text-red-700 dark:text-red-400">{fieldError.text}</p> : null}
      </form>
      {saved.warnings.length > 0 ? (
        <ul className="mt-3 list-disc pl-5 text-sm text-amber-800 dark:text-amber-300" aria-label="Alert warnings">
          {saved.warnings.map((w) => <li key={w}>{w}</li>)}
        </ul>
      ) : null}
      {results ? (
        <ul className="mt-3 flex flex-col gap-1 text-sm" aria-label="Test results" data-testid="alerts-test-results">
          {results.map((r) => (
            <li key={r.kind} data-status={r.status}>
              <span className={r.status === "delivered" ? "font-medium text-emerald-700 dark:text-emerald-400" : "font-medium text-red-700 dark:text-red-400"}>{r.status}</span>{" "}
              <span className="font-medium">{r.kind === "slack" ? "Slack" : "Webhook"}</span> {r.target}: <span className="text-zinc-600 dark:text-zinc-400">{r.message}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
