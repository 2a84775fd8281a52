import { describe, expect, it } from "vitest";

import {
  channelLabel,
  isOpenStatus,
  OPEN_STATUSES,
  priorityLabel,
  priorityTone,
  statusLabel,
  statusTone,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
} from "./labels";

describe("status labels", () => {
  it("names every status of the schema", () => {
    expect(TICKET_STATUSES.map((status) => status.value)).toEqual([
      "NEW",
      "OPEN",
      "PENDING",
      "ON_HOLD",
      "SOLVED",
      "CLOSED",
    ]);
    expect(statusLabel("ON_HOLD")).toBe("On hold");
    expect(statusLabel("pending")).toBe("Pending");
  });

  it("gives each status a tone", () => {
    expect(statusTone("NEW")).toBe("info1");
    expect(statusTone("SOLVED")).toBe("success1");
    expect(statusTone("CLOSED")).toBe("default");
  });

  it("copes with unknown and missing values", () => {
    expect(statusLabel("WAITING_ON_CARRIER")).toBe("Waiting on carrier");
    expect(statusLabel(null)).toBe("—");
    expect(statusTone("WAITING_ON_CARRIER")).toBe("default");
  });

  it("counts new, open, pending and on hold as open", () => {
    expect(OPEN_STATUSES).toEqual(["NEW", "OPEN", "PENDING", "ON_HOLD"]);
    expect(isOpenStatus("ON_HOLD")).toBe(true);
    expect(isOpenStatus("SOLVED")).toBe(false);
  });
});

describe("priority labels", () => {
  it("orders priorities from low to urgent, urgent loudest", () => {
    expect(TICKET_PRIORITIES.map((priority) => priority.label)).toEqual(["Low", "Normal", "High", "Urgent"]);
    expect(priorityLabel("URGENT")).toBe("Urgent");
    expect(priorityTone("URGENT")).toBe("critical1");
    expect(priorityTone("HIGH")).toBe("warning1");
    expect(priorityTone("LOW")).toBe("default");
    expect(priorityLabel(undefined)).toBe("—");
  });
});

describe("channel labels", () => {
  it("spells channels for people", () => {
    expect(channelLabel("WEB_FORM")).toBe("Web form");
    expect(channelLabel("IN_STORE")).toBe("In store");
    expect(channelLabel("CHAT")).toBe("Live chat");
  });
});
