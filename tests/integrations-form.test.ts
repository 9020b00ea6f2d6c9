import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { IntegrationsForm, type IntegrationsView } from "@/app/settings/integrations-form";

/** The /settings page's "GitHub integration" section as the server renders it, before hydration. */
describe("the GitHub integration section of /settings", () => {
  const view: IntegrationsView = {
    codeScanning: { enabled: true, source: "env", env: "CACHEGUARD_CODE_SCANNING", envValue: "1" },
    issues: { enabled: false, source: "settings", env: "CACHEGUARD_ISSUES", envValue: null },
  };
  const html = renderToStaticMarkup(createElement(IntegrationsForm, { initial: view }));

  it("shows one switch per integration, its state, where the state comes from and the scopes it needs", () => {
    expect(html).toContain('<h2 id="integrations-h" class="font-semibold">GitHub integration</h2>');
    const switches = [...html.matchAll(/<input id="integration-(\w+)" type="checkbox" role="switch"([^>]*)>/g)].map((m) => [m[1], /checked=""/.test(m[2])]);
    expect(switches).toEqual([["codeScanning", true], ["issues", false]]);
    expect(html).toContain("(on, from CACHEGUARD_CODE_SCANNING=1)");
    expect(html).toContain("(off, set on this page)");
    expect(html).toContain("The token needs security_events");
    expect(html).toContain("The token needs repo");
    // only a choice made on the page can be handed back to the environment
    expect(html).toContain("Use CACHEGUARD_ISSUES instead");
    expect(html).not.toContain("Use CACHEGUARD_CODE_SCANNING instead");
  });

  it("keeps the switches disabled until the page is hydrated, so an early click is not lost", () => {
    for (const m of html.matchAll(/<input id="integration-\w+"[^>]*>/g)) expect(m[0]).toContain('disabled=""');
  });
});
