import { describe, expect, it } from "vitest";

import type { CampaignStats } from "../graphql/types";
import { abResult, deliveryLines, formatRate, funnelSteps, variantLabel } from "./report";

const stats: CampaignStats = {
  recipients: 120,
  holdout: 20,
  queued: 0,
  sent: 96,
  failed: 4,
  skipped: 0,
  opened: 48,
  clicked: 12,
  unsubscribed: 1,
  bounced: 2,
};

describe("campaign funnel", () => {
  it("goes sent → opened → clicked with the share of each step", () => {
    const steps = funnelSteps(stats);
    expect(steps.map((step) => [step.key, step.count])).toEqual([
      ["sent", 96],
      ["opened", 48],
      ["clicked", 12],
    ]);
    expect(steps[0]!.ofPrevious).toBeCloseTo(0.96); // of the 100 mailed or failed
    expect(steps[1]!.ofPrevious).toBe(0.5);
    expect(steps[2]!.ofPrevious).toBe(0.25);
    expect(steps[2]!.ofSent).toBe(0.125);
  });

  it("adds the ordered step when the API reports attributed orders", () => {
    const steps = funnelSteps({ ...stats, orders: 3 });
    expect(steps.at(-1)).toMatchObject({ key: "ordered", count: 3, ofPrevious: 0.25 });
  });

  it("has no rates before anything is sent", () => {
    const steps = funnelSteps({ ...stats, sent: 0, failed: 0, opened: 0, clicked: 0 });
    expect(steps.every((step) => step.ofPrevious === null && step.ofSent === null)).toBe(true);
    expect(formatRate(0, 0, "en")).toBe("—");
    expect(formatRate(1, 8, "en")).toBe("12.5%");
  });

  it("lists only the delivery lines that happened", () => {
    expect(deliveryLines(stats).map((line) => [line.label, line.count])).toEqual([
      ["Held out (measured, never mailed)", 20],
      ["Failed", 4],
      ["Bounced", 2],
      ["Unsubscribed from this email", 1],
    ]);
  });
});

describe("A/B result", () => {
  const campaign = {
    subject: "Hi {{customer.first_name}}",
    variants: [{ position: 1, subject: "A gift for you", body: "" }],
    variantResults: [
      { position: 0, sent: 10, opened: 4, clicked: 1 },
      { position: 1, sent: 10, opened: 6, clicked: 1 },
    ],
    winnerMetric: "OPEN_RATE" as const,
    winnerPosition: null,
  };

  it("ranks variants by the winner metric and marks the leader while undecided", () => {
    const result = abResult(campaign)!;
    expect(result.decided).toBe(false);
    expect(result.rows.map((row) => [row.label, row.subject, row.rate, row.isLeading])).toEqual([
      ["Variant A", "Hi {{customer.first_name}}", 0.4, false],
      ["Variant B", "A gift for you", 0.6, true],
    ]);
  });

  it("marks the chosen winner once decided, by click rate too", () => {
    const result = abResult({ ...campaign, winnerMetric: "CLICK_RATE", winnerPosition: 0 })!;
    expect(result.decided).toBe(true);
    expect(result.rows.map((row) => [row.rate, row.isWinner, row.isLeading])).toEqual([
      [0.1, true, false],
      [0.1, false, false],
    ]);
  });

  it("is absent without variants, and names positions by letter", () => {
    expect(abResult({ ...campaign, variants: [] })).toBeUndefined();
    expect(variantLabel(2)).toBe("Variant C");
  });
});
