"use client";

import { useEffect, useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { OpenOverTimePoint } from "@/lib/server/queries/scans";

/** Fixed height; the chart mounts client-side only (it measures its box), the frame never moves. */
export function OpenFindingsChart({ points }: { points: OpenOverTimePoint[] }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const data = points.map((p) => ({ ...p, label: `#${p.scanId} ${p.at.slice(5, 10)}` }));
  return (
    <figure className="h-72 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <figcaption className="mb-2 text-sm font-semibold">Open findings over time</figcaption>
      {points.length < 2 ? (
        <p className="flex h-52 items-center justify-center text-sm text-zinc-500">The chart appears after two finished scans.</p>
      ) : (
        <div className="h-52" role="img" aria-label={`Open findings per scan: ${points.map((p) => `scan ${p.scanId} ${p.open}${p.problems !== null ? ` (${p.problems} problems)` : ""}`).join(", ")}`}>
          {mounted && (
            <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 600, height: 208 }}>
              <LineChart data={data} margin={{ top: 4, right: 12, bottom: 4, left: -16 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.15} />
                <XAxis dataKey="label" tick={{ fontSize: 11 }} stroke="currentColor" strokeOpacity={0.5} />
                <YAxis allowDecimals={false} tick={{ fontSize: 11 }} stroke="currentColor" strokeOpacity={0.5} />
                <Tooltip contentStyle={{ fontSize: 12 }} />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                <Line type="monotone" dataKey="open" name="open" stroke="#0ea5e9" strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
                <Line type="monotone" dataKey="errors" name="errors" stroke="#ef4444" strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
                {points.some((p) => p.problems !== null) && (
                  <Line type="monotone" dataKey="problems" name="problems" stroke="#6366f1" strokeWidth={2} dot={{ r: 3 }} connectNulls isAnimationActive={false} />
                )}
              </LineChart>
            </ResponsiveContainer>
          )}
        </div>
      )}
    </figure>
  );
}
