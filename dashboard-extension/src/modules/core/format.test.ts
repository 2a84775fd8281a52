import { describe, expect, it } from "vitest";

import {
  displayName,
  EMPTY,
  formatCompactMoney,
  formatCountry,
  formatDate,
  formatMoney,
  formatMonth,
  formatNumber,
  formatRelative,
  formatUnconverted,
} from "./format";

describe("money", () => {
  it("formats amounts in their currency and locale", () => {
    expect(formatMoney({ amount: 1234.5, currency: "USD" }, "en-US")).toBe("$1,234.50");
    expect(formatMoney({ amount: 2312.64, currency: "EUR" }, "de-DE")).toBe("2.312,64\u00a0€");
  });

  it("rounds to cents", () => {
    expect(formatMoney({ amount: 2497.651, currency: "USD" }, "en-US")).toBe("$2,497.65");
  });

  it("falls back for codes Intl does not know", () => {
    expect(formatMoney({ amount: 5, currency: "XXXX" }, "en-US")).toBe("5.00 XXXX");
  });

  it("shows a dash for missing amounts", () => {
    expect(formatMoney(null)).toBe(EMPTY);
    expect(formatMoney({ amount: Number.NaN, currency: "USD" })).toBe(EMPTY);
  });

  it("names spend that has no exchange rate apart from the total", () => {
    expect(formatUnconverted([{ amount: 120, currency: "PLN" }], "en-US")).toBe("+ PLN\u00a0120.00 not converted");
    expect(
      formatUnconverted(
        [
          { amount: 5, currency: "CHF" },
          { amount: 120, currency: "PLN" },
        ],
        "en-US",
      ),
    ).toBe("+ CHF\u00a05.00, PLN\u00a0120.00 not converted");
    expect(formatUnconverted([], "en-US")).toBeUndefined();
  });

  it("compacts large amounts", () => {
    expect(formatCompactMoney({ amount: 1200, currency: "USD" }, "en-US")).toBe("$1.2K");
  });
});

describe("numbers", () => {
  it("groups digits", () => {
    expect(formatNumber(12345, "en-US")).toBe("12,345");
    expect(formatNumber(undefined)).toBe(EMPTY);
  });
});

describe("dates", () => {
  it("formats dates and months", () => {
    expect(formatDate("2026-11-02T12:21:17+00:00", "en-GB")).toBe("2 Nov 2026");
    expect(formatMonth("2026-11-01T00:00:00+00:00", "en-US")).toBe("Nov 2026");
  });

  it("shows a dash for missing or broken dates", () => {
    expect(formatDate(null)).toBe(EMPTY);
    expect(formatDate("not a date")).toBe(EMPTY);
  });

  it("describes times relative to now", () => {
    const now = new Date("2026-11-23T12:00:00Z");
    expect(formatRelative("2026-11-20T12:00:00Z", now, "en")).toBe("3 days ago");
    expect(formatRelative("2026-11-23T11:59:30Z", now, "en")).toBe("just now");
    expect(formatRelative("2026-11-23T14:00:00Z", now, "en")).toBe("in 2 hours");
    expect(formatRelative("2025-10-01T12:00:00Z", now, "en")).toBe("last year");
    expect(formatRelative(null, now)).toBe(EMPTY);
  });
});

describe("people and places", () => {
  it("names countries", () => {
    expect(formatCountry("de", "en")).toBe("Germany");
    expect(formatCountry("")).toBe(EMPTY);
  });

  it("uses the name, or the email when there is none", () => {
    expect(displayName({ firstName: "Anna", lastName: " Kowalska ", email: "a@example.com" })).toBe("Anna Kowalska");
    expect(displayName({ firstName: "", lastName: "", email: "a@example.com" })).toBe("a@example.com");
  });
});
