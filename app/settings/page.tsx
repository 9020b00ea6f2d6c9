import type { Metadata } from "next";
import { currentUser } from "@/lib/auth/session";
import { getDb } from "@/lib/server/db";
import { configuredOrgs, defaultOrg, readEnv } from "@/lib/server/env";
import { viewedOrgLogin } from "@/lib/server/viewed-org";
import { readIntegrations } from "@/lib/server/integrations";
import { getScheduler, nextRuns, readSchedule } from "@/lib/server/schedule";
import { alertSettingsView, readAlertConfig } from "@/lib/server/alerts/config";
import { SignOutButton } from "../signin/sign-in-button";
import { IntegrationsForm } from "./integrations-form";
import { AlertsForm } from "./alerts-form";
import { ScheduleForm } from "./schedule-form";

export const metadata: Metadata = { title: "Settings" };
export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  // the schedule is the viewed org's; alerts and integrations are the deployment's
  const org = await viewedOrgLogin();
  const whose = { login: org, isDefault: org === defaultOrg(readEnv()) };
  const [schedule, integrations, alerts, user] = await Promise.all([readSchedule(getDb(), undefined, whose), readIntegrations(getDb()), readAlertConfig(getDb()), currentUser()]);
  return (
    <div className="mx-auto max-w-2xl space-y-8">
      <div className="flex items-center justify-between">
        <h1 className="text-xl font-semibold">Settings</h1>
        {user ? (
          <div className="flex items-center gap-3 text-sm">
            <span>Signed in as <strong>{user.login}</strong></span>
            <SignOutButton />
          </div>
        ) : null}
      </div>
      <ScheduleForm
        initial={{
          org,
          schedule: schedule.expression,
          source: schedule.source,
          envSchedule: process.env.CACHEGUARD_SCHEDULE ?? null,
          timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
          nextRuns: nextRuns(schedule.expression, 5).map((d) => d.toISOString()),
          armed: getScheduler()?.currentFor(org) != null,
        }}
      />
      {configuredOrgs(readEnv()).length > 1 && (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Alerts and the GitHub integrations below apply to every organization this server audits.</p>
      )}
      <AlertsForm initial={alertSettingsView(alerts)} />
      <IntegrationsForm initial={integrations} />
    </div>
  );
}
