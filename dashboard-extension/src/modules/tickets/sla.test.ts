import { describe, expect, it } from "vitest";

import { DUE_SOON_MS, nextTarget, slaBadge, slaTargets } from "./sla";

const NOW = new Date("2026-11-23T12:00:00Z");
const inMinutes = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

const ticket = (overrides: Partial<Parameters<typeof slaBadge>[0]> = {}): Parameters<typeof slaBadge>[0] => ({
  status: "OPEN",
  isBreached: false,
  firstResponseAt: null,
  firstResponseDueAt: inMinutes(6 * 60),
  resolutionDueAt: inMinutes(3 * 24 * 60),
  solvedAt: null,
  closedAt: null,
  ...overrides,
});

describe("slaBadge", () => {
  it("is breached when the server found a target missed", () => {
    const badge = slaBadge(ticket({ isBreached: true }), NOW);
    expect(badge).toMatchObject({ state: "breached", label: "SLA breached", tone: "critical1" });
  });

  it("is breached as soon as a running target passes, before the server notices", () => {
    const badge = slaBadge(ticket({ firstResponseDueAt: inMinutes(-5) }), NOW, "en");
    expect(badge).toMatchObject({ state: "breached", label: "Overdue", target: "first-response" });
  });

  it("is due soon within two hours of the next target", () => {
    const badge = slaBadge(ticket({ firstResponseDueAt: inMinutes(45) }), NOW, "en");
    expect(badge).toMatchObject({ state: "due-soon", tone: "warning1", label: "Due in 45 minutes" });
    expect(slaBadge(ticket({ firstResponseDueAt: new Date(NOW.getTime() + DUE_SOON_MS).toISOString() }), NOW).state).toBe(
      "due-soon",
    );
  });

  it("runs on the resolution target once the first reply was sent", () => {
    const badge = slaBadge(
      ticket({ firstResponseAt: inMinutes(-60), firstResponseDueAt: inMinutes(-30), resolutionDueAt: inMinutes(90) }),
      NOW,
      "en",
    );
    expect(badge).toMatchObject({ state: "due-soon", target: "resolution" });
  });

  it("is on track with time to spare", () => {
    const badge = slaBadge(ticket(), NOW, "en");
    expect(badge).toMatchObject({ state: "on-track", tone: "default", label: "Due in 6 hours", target: "first-response" });
  });

  it("is met for solved tickets that kept every target", () => {
    const badge = slaBadge(
      ticket({ status: "SOLVED", firstResponseAt: inMinutes(-600), solvedAt: inMinutes(-60), firstResponseDueAt: inMinutes(-500), resolutionDueAt: inMinutes(100) }),
      NOW,
    );
    expect(badge).toMatchObject({ state: "met", label: "SLA met", tone: "success1" });
  });

  it("counts a late solve as breached even before the server flags it", () => {
    const badge = slaBadge(
      ticket({ status: "SOLVED", firstResponseAt: inMinutes(-600), solvedAt: inMinutes(-10), firstResponseDueAt: inMinutes(-500), resolutionDueAt: inMinutes(-20) }),
      NOW,
    );
    expect(badge.state).toBe("breached");
  });

  it("says so when the priority has no SLA", () => {
    expect(slaBadge(ticket({ firstResponseDueAt: null, resolutionDueAt: null }), NOW).state).toBe("none");
    expect(slaBadge(ticket({ status: "CLOSED", firstResponseDueAt: null, resolutionDueAt: null }), NOW).state).toBe("none");
  });
});

describe("nextTarget", () => {
  it("picks the earliest target still running", () => {
    expect(nextTarget(ticket({ firstResponseDueAt: inMinutes(600), resolutionDueAt: inMinutes(300) }))?.target).toBe(
      "resolution",
    );
    expect(nextTarget(ticket({ status: "SOLVED" }))).toBeUndefined();
  });
});

describe("slaTargets", () => {
  const details = {
    status: "OPEN" as const,
    firstResponseAt: inMinutes(-100),
    firstResponseDueAt: inMinutes(-50),
    firstResponseBreachedAt: inMinutes(-50),
    resolutionDueAt: inMinutes(60),
    resolutionBreachedAt: null,
    solvedAt: null,
    closedAt: null,
  };

  it("reports each target: missed, met, due soon, running, overdue", () => {
    const [first, resolution] = slaTargets(details, NOW);
    expect(first).toMatchObject({ name: "First reply", state: "missed" });
    expect(resolution).toMatchObject({ name: "Resolution", state: "due-soon" });
    expect(slaTargets({ ...details, firstResponseBreachedAt: null, firstResponseAt: inMinutes(-60) }, NOW)[0]?.state).toBe(
      "met",
    );
    expect(slaTargets({ ...details, resolutionDueAt: inMinutes(600) }, NOW)[1]?.state).toBe("running");
    expect(slaTargets({ ...details, resolutionDueAt: inMinutes(-1) }, NOW)[1]?.state).toBe("overdue");
  });

  it("stops the clock on tickets closed without being solved", () => {
    expect(slaTargets({ ...details, status: "CLOSED", closedAt: inMinutes(-1) }, NOW)[1]?.state).toBe("none");
  });

  it("has no target without a due time", () => {
    expect(slaTargets({ ...details, resolutionDueAt: null }, NOW)[1]?.state).toBe("none");
  });
});
