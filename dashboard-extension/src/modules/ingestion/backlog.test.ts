import { describe, expect, it } from "vitest";

import { describeEventBacklog, formatAge } from "./backlog";
import type { CrmEventBacklog } from "./graphql/types";

const backlog = (overrides: Partial<CrmEventBacklog> = {}): CrmEventBacklog => ({
  pendingCount: 0,
  retryingCount: 0,
  failedCount: 0,
  oldestPendingAt: null,
  oldestPendingAgeSeconds: null,
  ...overrides,
});

describe("formatAge", () => {
  it.each([
    [0, "0 s"],
    [-2, "0 s"],
    [42.9, "42 s"],
    [60, "1 min"],
    [185, "3 min"],
    [3599, "59 min"],
    [3600, "1 h"],
    [47 * 3600 + 59, "47 h"],
    [48 * 3600, "2 days"],
    [10 * 86400 + 5, "10 days"],
  ])("%s seconds → %s", (seconds, expected) => {
    expect(formatAge(seconds)).toBe(expected);
  });
});

describe("describeEventBacklog", () => {
  it("is up to date when nothing waits and nothing failed", () => {
    expect(describeEventBacklog(backlog())).toEqual({
      status: { text: "Up to date", tone: "success1" },
      failed: null,
    });
  });

  it("counts waiting events and says how old the oldest is", () => {
    const summary = describeEventBacklog(
      backlog({ pendingCount: 12, oldestPendingAt: "2026-11-20T10:00:00Z", oldestPendingAgeSeconds: 190 }),
    );
    expect(summary.status).toEqual({ text: "12 store events waiting, oldest 3 min ago", tone: "default" });
    expect(summary.failed).toBeNull();
  });

  it("speaks of one event in the singular", () => {
    const summary = describeEventBacklog(
      backlog({ pendingCount: 1, retryingCount: 1, failedCount: 1, oldestPendingAgeSeconds: 5 }),
    );
    expect(summary.status?.text).toBe("1 store event waiting, oldest 5 s ago");
    expect(summary.status?.detail).toBe("1 of them retries after a failed attempt");
    expect(summary.failed).toEqual({ text: "1 event failed", count: 1 });
  });

  it("warns when the oldest has waited long enough that workers are behind", () => {
    const summary = describeEventBacklog(backlog({ pendingCount: 3, oldestPendingAgeSeconds: 300 }));
    expect(summary.status?.tone).toBe("warning1");
  });

  it("reports failures; with nothing waiting it does not claim to be up to date", () => {
    const summary = describeEventBacklog(backlog({ failedCount: 1204 }), "en-US");
    expect(summary.status).toBeNull();
    expect(summary.failed).toEqual({ text: "1,204 events failed", count: 1204 });
  });

  it("mentions retries and failures beside the waiting count", () => {
    const summary = describeEventBacklog(
      backlog({ pendingCount: 4, retryingCount: 2, failedCount: 3, oldestPendingAgeSeconds: 7200 }),
    );
    expect(summary.status).toEqual({
      text: "4 store events waiting, oldest 2 h ago",
      tone: "warning1",
      detail: "2 of them retry after a failed attempt",
    });
    expect(summary.failed?.text).toBe("3 events failed");
  });

  it("leaves the age out when the server sent none", () => {
    expect(describeEventBacklog(backlog({ pendingCount: 2 })).status?.text).toBe("2 store events waiting");
  });
});
