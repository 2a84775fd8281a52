import { describe, expect, it } from "vitest";

import type { Connection, TimelineEvent } from "../graphql/types";
import { appendTimelinePage, describeTimelineEvent, timelineFromConnection } from "./timeline";

const event = (id: string, overrides: Partial<TimelineEvent> = {}): TimelineEvent => ({
  id,
  type: "ORDER_PLACED",
  occurredAt: "2026-11-02T12:00:00Z",
  objectType: null,
  objectId: null,
  data: {},
  ...overrides,
});

const page = (ids: string[], hasNextPage: boolean, endCursor: string | null): Connection<TimelineEvent> => ({
  totalCount: 45,
  pageInfo: { hasNextPage, endCursor },
  edges: ids.map((id) => ({ node: event(id) })),
});

describe("timeline paging", () => {
  it("appends older events without repeating any", () => {
    const first = timelineFromConnection(page(["a", "b"], true, "c2"));
    const next = appendTimelinePage(first, page(["b", "c"], false, "c3"));
    expect(next.events.map((e) => e.id)).toEqual(["a", "b", "c"]);
    expect(next.hasMore).toBe(false);
    expect(next.cursor).toBe("c3");
    expect(next.totalCount).toBe(45);
  });

  it("keeps the cursor when a page has none", () => {
    const first = timelineFromConnection(page(["a"], true, "c1"));
    expect(appendTimelinePage(first, page([], false, null)).cursor).toBe("c1");
  });
});

describe("describeTimelineEvent", () => {
  it("describes orders with number, total and channel, linking the order", () => {
    const entry = describeTimelineEvent(
      event("1", {
        type: "ORDER_CANCELLED",
        objectType: "ORDER",
        objectId: "T3JkZXI6MQ==",
        data: { total: "371.07", number: "2111", channel: "channel-eur", currency: "EUR" },
      }),
      "en-US",
    );
    expect(entry).toEqual({
      title: "Order cancelled",
      detail: "#2111 · €371.07 · channel-eur",
      orderId: "T3JkZXI6MQ==",
    });
  });

  it("describes stage changes with labels", () => {
    const entry = describeTimelineEvent(event("2", { type: "STAGE_CHANGED", data: { from: "at_risk", to: "active" } }));
    expect(entry).toEqual({ title: "Lifecycle stage changed", detail: "At risk → Active", orderId: undefined });
  });

  it("describes tickets and logged contacts", () => {
    expect(
      describeTimelineEvent(
        event("6", { type: "TICKET_RATED", objectType: "ticket", objectId: "42", data: { number: 17, subject: "Late parcel", rating: 4 } }),
      ),
    ).toEqual({ title: "Ticket rated", detail: "Ticket #17 · Late parcel · rated 4/5", orderId: undefined });
    expect(
      describeTimelineEvent(event("7", { type: "INTERACTION", data: { channel: "phone", direction: "INBOUND", subject: "Wholesale" } }))
        .detail,
    ).toBe("Phone · inbound · Wholesale");
  });

  it("describes vouchers and refunds from tickets", () => {
    const voucher = event("8", {
      type: "VOUCHER_ISSUED",
      objectType: "ticket",
      objectId: "42",
      data: {
        number: 17,
        subject: "Late parcel",
        code: "ABCD-EF12-3456",
        terms: "15% off",
        channel: "default-channel",
        expires_at: "2026-12-20T10:00:00+00:00",
      },
    });
    expect(describeTimelineEvent(voucher, "en-US")).toEqual({
      title: "Voucher issued",
      detail: "Ticket #17 · ABCD-EF12-3456 · 15% off · valid until Dec 20, 2026",
      orderId: undefined,
    });
    const refund = event("9", {
      type: "REFUND_STARTED",
      objectType: "ticket",
      objectId: "42",
      data: { number: 17, subject: "Late parcel", order_id: "o-1", amount: "12.50", currency: "EUR", status: "pending" },
    });
    expect(describeTimelineEvent(refund, "en-US")).toEqual({
      title: "Refund started",
      detail: "Ticket #17 · €12.50 · Pending",
      orderId: undefined,
    });
  });

  it("copes with missing or odd data", () => {
    expect(describeTimelineEvent(event("3", { type: "ACCOUNT_CREATED", data: null }))).toEqual({
      title: "Account created",
      detail: undefined,
      orderId: undefined,
    });
    expect(describeTimelineEvent(event("4", { data: { total: "abc", currency: "EUR" } })).detail).toBeUndefined();
    expect(describeTimelineEvent(event("5", { type: "SOMETHING_NEW" as never })).title).toBe("Something new");
  });
});
