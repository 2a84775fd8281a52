import { describe, expect, it } from "vitest";

import type { CampaignStats } from "../graphql/types";
import {
  abResult,
  deliveryLines,
  formatPerRecipient,
  formatRate,
  funnelSteps,
  revenueSummary,
  variantLabel,
} from "./report";

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

describe("campaign revenue and lift", () => {
  const revenue = {
    orders: 7,
    revenue: { amount: 812.5, currency: "USD" },
    revenuePerRecipient: 4.25,
    holdoutRevenuePerRecipient: 1.5,
    lift: 2.75,
    liftInterval: { low: 0.8, high: 4.7, confidence: 0.95 },
  };

  it("shows revenue, both groups and the lift with its interval", () => {
    const summary = revenueSummary(revenue, "en-US")!;
    expect(summary).toMatchObject({
      orders: 7,
      revenue: "$812.50",
      perRecipient: "$4.25",
      perHoldoutMember: "$1.50",
      lift: "+$2.75",
      interval: "$0.80 to $4.70",
      verdict: "positive",
    });
    expect(summary.explanation).toContain("very likely added revenue");
    expect(summary.explanation).toContain("$0.80 to $4.70");
  });

  it("says plainly when the interval includes zero, or is below it", () => {
    const unclear = revenueSummary({ ...revenue, lift: 0.4, liftInterval: { low: -1.2, high: 2, confidence: 0.95 } }, "en-US")!;
    expect(unclear.verdict).toBe("unclear");
    expect(unclear.explanation).toContain("includes zero");
    const negative = revenueSummary({ ...revenue, lift: -2, liftInterval: { low: -3, high: -1, confidence: 0.95 } }, "en-US")!;
    expect(negative.verdict).toBe("negative");
    expect(negative.lift).toBe("-$2.00");
  });

  it("explains a missing holdout or a missing interval", () => {
    const noHoldout = revenueSummary(
      { ...revenue, holdoutRevenuePerRecipient: null, lift: null, liftInterval: null },
      "en-US",
    )!;
    expect([noHoldout.verdict, noHoldout.perHoldoutMember, noHoldout.lift]).toEqual(["no-holdout", null, null]);
    const tooFew = revenueSummary({ ...revenue, liftInterval: null }, "en-US")!;
    expect(tooFew.verdict).toBe("too-few");
    expect(tooFew.interval).toBeNull();
  });

  it("is absent when the user may not see order figures", () => {
    expect(revenueSummary({ orders: null, revenue: null }, "en-US")).toBeUndefined();
    expect(revenueSummary({}, "en-US")).toBeUndefined();
  });

  it("keeps fractions of a cent per recipient", () => {
    expect(formatPerRecipient(0.0042, "USD", "en-US")).toBe("$0.0042");
    expect(formatPerRecipient(12.3456, "USD", "en-US")).toBe("$12.35");
    expect(formatPerRecipient(null, "USD", "en-US")).toBe("—");
  });
});
