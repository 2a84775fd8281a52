import { describe, expect, it } from "vitest";

import type { PageInfo } from "../graphql/types";
import {
  canGoNext,
  canGoPrevious,
  firstPage,
  nextPage,
  pageVariables,
  previousPage,
  rangeLabel,
} from "./pagination";

const info = (overrides: Partial<PageInfo> = {}): PageInfo => ({
  hasNextPage: true,
  hasPreviousPage: false,
  startCursor: "s",
  endCursor: "e",
  ...overrides,
});

describe("keyset pagination", () => {
  it("starts with first/after null", () => {
    expect(pageVariables(firstPage(20))).toEqual({ first: 20, after: null });
  });

  it("goes forward with the end cursor", () => {
    const page2 = nextPage(firstPage(20), info({ endCursor: "c20" }));
    expect(page2.pageIndex).toBe(1);
    expect(pageVariables(page2)).toEqual({ first: 20, after: "c20" });
  });

  it("goes back with last/before and the start cursor", () => {
    const page3 = nextPage(nextPage(firstPage(20), info({ endCursor: "c20" })), info({ endCursor: "c40" }));
    const page2 = previousPage(page3, info({ startCursor: "c41", hasPreviousPage: true }));
    expect(page2.pageIndex).toBe(1);
    expect(pageVariables(page2)).toEqual({ last: 20, before: "c41" });
  });

  it("returns to a plain first page instead of paging back onto it", () => {
    const page2 = nextPage(firstPage(50), info({ endCursor: "c50" }));
    expect(previousPage(page2, info({ hasPreviousPage: true }))).toEqual(firstPage(50));
  });

  it("stays put without a cursor or more rows", () => {
    const start = firstPage(20);
    expect(nextPage(start, info({ hasNextPage: false }))).toBe(start);
    expect(nextPage(start, info({ endCursor: null }))).toBe(start);
  });

  it("tells which buttons work", () => {
    expect(canGoNext(info())).toBe(true);
    expect(canGoNext(info({ hasNextPage: false }))).toBe(false);
    expect(canGoNext(undefined)).toBe(false);
    expect(canGoPrevious(firstPage(20), info())).toBe(false);
    expect(canGoPrevious(nextPage(firstPage(20), info()), info())).toBe(true);
  });

  it("labels the rows on screen", () => {
    const page2 = nextPage(firstPage(20), info());
    expect(rangeLabel(page2, 20, 371)).toBe("21–40 of 371");
    expect(rangeLabel(firstPage(20), 7, null)).toBe("1–7");
    expect(rangeLabel(firstPage(20), 0, 0)).toBe("No results");
  });
});
