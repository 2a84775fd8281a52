import { describe, expect, it } from "vitest";

import { buildRfmGrid, fmScore, heatLevel, SCORES, segmentOfCell, SEGMENT_RULES } from "./rfm";

describe("fmScore", () => {
  it("is the rounded-up mean of F and M, as the backend computes it", () => {
    expect(fmScore(1, 1)).toBe(1);
    expect(fmScore(1, 2)).toBe(2);
    expect(fmScore(2, 3)).toBe(3);
    expect(fmScore(4, 5)).toBe(5);
    expect(fmScore(5, 5)).toBe(5);
  });
});

describe("segment rules", () => {
  it("cover each of the 25 cells exactly once", () => {
    for (const recency of SCORES) {
      for (const fm of SCORES) {
        const matches = SEGMENT_RULES.filter(([, rs, fms]) => rs.includes(recency) && fms.includes(fm));
        expect(matches, `R=${recency} FM=${fm}`).toHaveLength(1);
      }
    }
  });

  it("name the corners", () => {
    expect(segmentOfCell(5, 5)).toBe("CHAMPIONS");
    expect(segmentOfCell(1, 1)).toBe("HIBERNATING");
    expect(segmentOfCell(1, 5)).toBe("CANNOT_LOSE");
    expect(segmentOfCell(5, 1)).toBe("NEW_CUSTOMERS");
  });
});

describe("buildRfmGrid", () => {
  it("lays cells out with FM 5 on top and recency 1 on the left, filling gaps with zero", () => {
    const grid = buildRfmGrid([
      { recency: 5, fm: 5, count: 12 },
      { recency: 1, fm: 1, count: 3 },
    ]);
    expect(grid.rows).toHaveLength(5);
    expect(grid.rows.every((row) => row.length === 5)).toBe(true);
    expect(grid.rows[0]?.[4]).toMatchObject({ recency: 5, fm: 5, count: 12, level: 4, segment: "CHAMPIONS" });
    expect(grid.rows[4]?.[0]).toMatchObject({ recency: 1, fm: 1, count: 3, level: 1 });
    expect(grid.rows[2]?.[2]).toMatchObject({ recency: 3, fm: 3, count: 0, level: 0, share: 0 });
    expect(grid.total).toBe(15);
    expect(grid.max).toBe(12);
    expect(grid.rows[0]?.[4]?.share).toBeCloseTo(0.8);
  });

  it("adds up duplicates and drops scores outside 1-5", () => {
    const grid = buildRfmGrid([
      { recency: 2, fm: 3, count: 4 },
      { recency: 2, fm: 3, count: 6 },
      { recency: 0, fm: 3, count: 100 },
      { recency: 2, fm: 6, count: 100 },
      { recency: 2.5, fm: 3, count: 100 },
      { recency: 3, fm: 3, count: -1 },
    ]);
    expect(grid.total).toBe(10);
    expect(grid.rows[2]?.[1]).toMatchObject({ recency: 2, fm: 3, count: 10, segment: "AT_RISK" });
  });

  it("is empty without data", () => {
    const grid = buildRfmGrid([]);
    expect(grid.total).toBe(0);
    expect(grid.rows.flat().every((cell) => cell.level === 0)).toBe(true);
  });
});

describe("heatLevel", () => {
  it("spreads counts over four levels relative to the fullest cell", () => {
    expect(heatLevel(0, 100)).toBe(0);
    expect(heatLevel(1, 100)).toBe(1);
    expect(heatLevel(25, 100)).toBe(1);
    expect(heatLevel(26, 100)).toBe(2);
    expect(heatLevel(75, 100)).toBe(3);
    expect(heatLevel(100, 100)).toBe(4);
  });
});
