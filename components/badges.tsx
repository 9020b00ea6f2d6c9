import clsx from "clsx";

const base = "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset whitespace-nowrap";

const SEVERITY: Record<string, string> = {
  error: "bg-red-50 text-red-700 ring-red-600/20 dark:bg-red-500/10 dark:text-red-300 dark:ring-red-400/30",
  warning: "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-400/30",
  note: "bg-sky-50 text-sky-700 ring-sky-600/20 dark:bg-sky-500/10 dark:text-sky-300 dark:ring-sky-400/30",
};

export function SeverityBadge({ severity }: { severity: string }) {
  return <span className={clsx(base, SEVERITY[severity] ?? SEVERITY.note)}>{severity}</span>;
}

const NEUTRAL = "bg-zinc-100 text-zinc-700 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-400/20";

export function ConfidenceBadge({ confidence }: { confidence: string }) {
  return (
    <span className={clsx(base, NEUTRAL)} title={`confidence: ${confidence}`}>
      <span className="sr-only">confidence </span>
      {confidence}
    </span>
  );
}

export function NewBadge() {
  return <span className={clsx(base, "bg-violet-50 text-violet-700 ring-violet-600/20 dark:bg-violet-500/10 dark:text-violet-300 dark:ring-violet-400/30")}>new</span>;
}

export function ResolvedBadge() {
  return <span className={clsx(base, "bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-400/30")}>resolved</span>;
}

const KIND_LABEL: Record<string, string> = {
  image: "image",
  index: "multi-platform",
  cache: "cache",
  "cache-index": "cache (index)",
  attestation: "attestation",
  signature: "signature",
  artifact: "artifact",
  unknown: "unknown",
};

const KIND_STYLE: Record<string, string> = {
  image: "bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-400/30",
  index: "bg-teal-50 text-teal-700 ring-teal-600/20 dark:bg-teal-500/10 dark:text-teal-300 dark:ring-teal-400/30",
  cache: SEVERITY.error,
  "cache-index": SEVERITY.error,
};

export function KindBadge({ kind }: { kind: string }) {
  return <span className={clsx(base, KIND_STYLE[kind] ?? NEUTRAL)}>{KIND_LABEL[kind] ?? kind}</span>;
}

const STATUS_STYLE: Record<string, string> = {
  succeeded: KIND_STYLE.image,
  partial: SEVERITY.warning,
  failed: SEVERITY.error,
  interrupted: SEVERITY.error,
  running: SEVERITY.note,
  queued: NEUTRAL,
};

export function ScanStatusBadge({ status }: { status: string }) {
  return <span className={clsx(base, STATUS_STYLE[status] ?? NEUTRAL)}>{status}</span>;
}

const RANK_STYLE: Record<number, string> = {
  0: "bg-red-600 text-white ring-red-700 dark:bg-red-500 dark:text-white dark:ring-red-400",
  1: SEVERITY.error,
  2: SEVERITY.warning,
  3: NEUTRAL,
  4: NEUTRAL,
};

/** How sure we are that a problem breaks something: confirmed, likely, possible, warning, note. */
export function RankBadge({ rank, label, why }: { rank: number; label: string; why?: string }) {
  return <span className={clsx(base, RANK_STYLE[rank] ?? NEUTRAL)} title={why} data-rank={rank}>{label}</span>;
}

/** The owner team of a repository, and where that comes from (custom property, topic, CODEOWNERS). */
export function TeamBadge({ team, source }: { team: string | null; source?: string | null }) {
  if (!team) return <span className="text-xs text-zinc-500 dark:text-zinc-400" title="no custom property, team-* topic or CODEOWNERS team">no team</span>;
  return (
    <span className="inline-flex flex-col items-start">
      <span className={clsx(base, "bg-indigo-50 text-indigo-700 ring-indigo-600/20 dark:bg-indigo-500/10 dark:text-indigo-300 dark:ring-indigo-400/30")}>{team}</span>
      {source && <span className="mt-0.5 text-[11px] text-zinc-500 dark:text-zinc-400">{source}</span>}
    </span>
  );
}
