import { describe, expect, it } from "vitest";

import {
  activeTicketFilterCount,
  DEFAULT_TICKET_FILTERS,
  EMPTY_TICKET_FILTERS,
  toggleTicketSort,
  toTicketFilterInput,
  type TicketFilters,
} from "./filters";

const ME = "VXNlcjox";
const filters = (overrides: Partial<TicketFilters>): TicketFilters => ({ ...EMPTY_TICKET_FILTERS, ...overrides });

describe("toTicketFilterInput", () => {
  it("sends nothing when nothing filters", () => {
    expect(toTicketFilterInput(EMPTY_TICKET_FILTERS)).toBeUndefined();
    expect(toTicketFilterInput(filters({ search: "  " }))).toBeUndefined();
  });

  it("starts with the tickets that still need work", () => {
    expect(toTicketFilterInput(DEFAULT_TICKET_FILTERS)).toEqual({ statuses: ["NEW", "OPEN", "PENDING", "ON_HOLD"] });
  });

  it("maps every filter to TicketFilterInput", () => {
    expect(
      toTicketFilterInput(
        filters({
          search: " #1042 ",
          statuses: ["OPEN", "PENDING"],
          priorities: ["URGENT"],
          assignee: "me",
          breached: true,
          dueSoon: true,
        }),
        ME,
      ),
    ).toEqual({
      search: "#1042",
      statuses: ["OPEN", "PENDING"],
      priorities: ["URGENT"],
      assignee: ME,
      breached: true,
      dueSoon: true,
    });
  });

  it("asks for unassigned tickets with the unassigned flag", () => {
    expect(toTicketFilterInput(filters({ assignee: "unassigned" }), ME)).toEqual({ unassigned: true });
  });

  it("leaves out 'assigned to me' when nobody is signed in", () => {
    expect(toTicketFilterInput(filters({ assignee: "me" }))).toBeUndefined();
  });

  it("does not send false flags", () => {
    expect(toTicketFilterInput(filters({ breached: false, dueSoon: false, priorities: [] }))).toBeUndefined();
  });
});

describe("activeTicketFilterCount", () => {
  it("counts filters other than search", () => {
    expect(activeTicketFilterCount(filters({ search: "refund" }))).toBe(0);
    expect(activeTicketFilterCount(DEFAULT_TICKET_FILTERS)).toBe(1);
    expect(activeTicketFilterCount(filters({ priorities: ["HIGH"], assignee: "unassigned", breached: true, dueSoon: true }))).toBe(4);
  });
});

describe("toggleTicketSort", () => {
  it("flips the direction of the same field", () => {
    expect(toggleTicketSort({ field: "UPDATED_AT", direction: "DESC" }, "UPDATED_AT")).toEqual({
      field: "UPDATED_AT",
      direction: "ASC",
    });
  });

  it("shows the nearest deadlines first and everything else newest first", () => {
    expect(toggleTicketSort({ field: "UPDATED_AT", direction: "DESC" }, "RESOLUTION_DUE_AT").direction).toBe("ASC");
    expect(toggleTicketSort({ field: "RESOLUTION_DUE_AT", direction: "ASC" }, "NUMBER").direction).toBe("DESC");
  });
});
