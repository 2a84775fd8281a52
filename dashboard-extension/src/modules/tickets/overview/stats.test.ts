import { describe, expect, it } from "vitest";

import { attainmentChartData, formatWeek, overallAttainment, statusBreakdown, volumeChartData } from "./stats";

describe("volumeChartData", () => {
  it("maps opened and solved per week, oldest first, labelled by the week's Monday", () => {
    expect(
      volumeChartData(
        [
          { periodStart: "2026-11-16T00:00:00+00:00", opened: 28, solved: 10 },
          { periodStart: "2026-11-09T00:00:00+00:00", opened: 11, solved: 11 },
        ],
        "en-GB",
      ),
    ).toEqual([
      { period: "9 Nov", periodStart: "2026-11-09T00:00:00+00:00", Opened: 11, Solved: 11 },
      { period: "16 Nov", periodStart: "2026-11-16T00:00:00+00:00", Opened: 28, Solved: 10 },
    ]);
  });
});

describe("attainmentChartData", () => {
  it("turns rates into percentages and leaves gaps where nothing was solved", () => {
    expect(
      attainmentChartData(
        [
          { periodStart: "2026-11-09T00:00:00+00:00", solved: 3, withinTarget: 2, rate: 2 / 3 },
          { periodStart: "2026-11-16T00:00:00+00:00", solved: 0, withinTarget: 0, rate: null },
        ],
        "en-GB",
      ),
    ).toEqual([
      { period: "9 Nov", periodStart: "2026-11-09T00:00:00+00:00", rate: 66.7, solved: 3, withinTarget: 2 },
      { period: "16 Nov", periodStart: "2026-11-16T00:00:00+00:00", rate: null, solved: 0, withinTarget: 0 },
    ]);
  });

  it("computes a missing rate from the counts", () => {
    expect(
      attainmentChartData([{ periodStart: "2026-11-09T00:00:00+00:00", solved: 4, withinTarget: 3, rate: null }])[0]?.rate,
    ).toBe(75);
  });
});

describe("overallAttainment", () => {
  it("weighs weeks by what was solved in them", () => {
    expect(
      overallAttainment([
        { periodStart: "a", solved: 1, withinTarget: 1, rate: 1 },
        { periodStart: "b", solved: 9, withinTarget: 3, rate: 1 / 3 },
        { periodStart: "c", solved: 0, withinTarget: 0, rate: null },
      ]),
    ).toEqual({ solved: 10, withinTarget: 4, rate: 40 });
    expect(overallAttainment([]).rate).toBeNull();
  });
});

describe("statusBreakdown", () => {
  it("lists every status in workflow order, 0 when missing", () => {
    const rows = statusBreakdown([
      { status: "CLOSED", count: 47 },
      { status: "NEW", count: 7 },
    ]);
    expect(rows.map((row) => [row.status, row.count])).toEqual([
      ["NEW", 7],
      ["OPEN", 0],
      ["PENDING", 0],
      ["ON_HOLD", 0],
      ["SOLVED", 0],
      ["CLOSED", 47],
    ]);
  });
});

describe("formatWeek", () => {
  it("reads the period start in UTC", () => {
    expect(formatWeek("2026-11-23T00:00:00+00:00", "en-US")).toBe("Nov 23");
    expect(formatWeek("nonsense")).toBe("—");
  });
});
