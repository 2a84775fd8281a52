import { describe, expect, it } from "vitest";

import {
  activeFilterCount,
  EMPTY_FILTERS,
  parseCountries,
  toFilterInput,
  toggleSort,
  validateFilters,
  type CustomerFilters,
} from "./filters";

const filters = (overrides: Partial<CustomerFilters>): CustomerFilters => ({ ...EMPTY_FILTERS, ...overrides });

describe("toFilterInput", () => {
  it("sends nothing when nothing filters", () => {
    expect(toFilterInput(EMPTY_FILTERS)).toBeUndefined();
    expect(toFilterInput(filters({ search: "   " }))).toBeUndefined();
  });

  it("maps every filter to CustomerProfileFilterInput", () => {
    expect(
      toFilterInput(
        filters({
          search: "  anna ",
          stages: ["LOYAL", "AT_RISK"],
          segments: ["CHAMPIONS"],
          countries: "de, pl;fr  DE",
          spendMin: "100",
          spendMax: "2500,50",
          customerType: "guest",
        }),
      ),
    ).toEqual({
      search: "anna",
      lifecycleStages: ["LOYAL", "AT_RISK"],
      rfmSegments: ["CHAMPIONS"],
      countries: ["DE", "PL", "FR"],
      totalSpent: { gte: 100, lte: 2500.5 },
      isGuest: true,
    });
  });

  it("sends open-ended spend ranges", () => {
    expect(toFilterInput(filters({ spendMin: "0" }))).toEqual({ totalSpent: { gte: 0 } });
    expect(toFilterInput(filters({ spendMax: "50" }))).toEqual({ totalSpent: { lte: 50 } });
  });

  it("asks for account holders as isGuest false", () => {
    expect(toFilterInput(filters({ customerType: "account" }))).toEqual({ isGuest: false });
  });

  it("leaves out invalid parts instead of sending them", () => {
    expect(toFilterInput(filters({ countries: "Germany", spendMin: "-5", spendMax: "abc" }))).toBeUndefined();
    expect(toFilterInput(filters({ spendMin: "500", spendMax: "100" }))).toBeUndefined();
    expect(toFilterInput(filters({ countries: "de, Poland" }))).toEqual({ countries: ["DE"] });
  });
});

describe("validateFilters", () => {
  it("explains what is wrong", () => {
    expect(validateFilters(filters({ countries: "de, Poland" })).countries).toMatch(/Poland/);
    expect(validateFilters(filters({ spendMin: "-1" })).spendMin).toBeDefined();
    expect(validateFilters(filters({ spendMin: "500", spendMax: "100" })).spendMax).toMatch(/below/);
    expect(validateFilters(filters({ spendMin: "100", spendMax: "100" }))).toEqual({});
  });
});

describe("parseCountries", () => {
  it("accepts codes in any case and separator, once each", () => {
    expect(parseCountries("de,DE pl")).toEqual({ codes: ["DE", "PL"], invalid: [] });
    expect(parseCountries("usa")).toEqual({ codes: [], invalid: ["usa"] });
  });
});

describe("activeFilterCount", () => {
  it("counts filters other than search", () => {
    expect(activeFilterCount(filters({ search: "x" }))).toBe(0);
    expect(activeFilterCount(filters({ stages: ["NEW"], spendMin: "1", spendMax: "2", customerType: "guest" }))).toBe(3);
  });
});

describe("toggleSort", () => {
  it("flips the direction of the same field", () => {
    expect(toggleSort({ field: "TOTAL_SPENT", direction: "DESC" }, "TOTAL_SPENT")).toEqual({
      field: "TOTAL_SPENT",
      direction: "ASC",
    });
  });

  it("starts a new field at its natural order", () => {
    expect(toggleSort({ field: "TOTAL_SPENT", direction: "ASC" }, "ORDERS_COUNT").direction).toBe("DESC");
    expect(toggleSort({ field: "TOTAL_SPENT", direction: "DESC" }, "EMAIL").direction).toBe("ASC");
  });
});
