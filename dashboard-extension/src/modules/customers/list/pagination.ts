import type { PageInfo } from "../graphql/types";

/**
 * Keyset pagination over a Relay connection: forward pages ask for
 * `first/after`, backward pages for `last/before`. `pageIndex` only numbers
 * the rows on screen; the cursors do the work.
 */
export interface PageState {
  pageSize: number;
  pageIndex: number;
  direction: "forward" | "backward";
  cursor: string | null;
}

export function firstPage(pageSize: number): PageState {
  return { pageSize, pageIndex: 0, direction: "forward", cursor: null };
}

export function nextPage(state: PageState, pageInfo: PageInfo): PageState {
  if (!pageInfo.hasNextPage || !pageInfo.endCursor) return state;
  return {
    pageSize: state.pageSize,
    pageIndex: state.pageIndex + 1,
    direction: "forward",
    cursor: pageInfo.endCursor,
  };
}

export function previousPage(state: PageState, pageInfo: PageInfo): PageState {
  if (state.pageIndex <= 1) {
    // Back to the top: ask for the first page plainly, so rows that arrived
    // since are shown and the state matches a fresh visit.
    return firstPage(state.pageSize);
  }
  if (!pageInfo.hasPreviousPage || !pageInfo.startCursor) return state;
  return {
    pageSize: state.pageSize,
    pageIndex: state.pageIndex - 1,
    direction: "backward",
    cursor: pageInfo.startCursor,
  };
}

export function pageVariables(state: PageState): {
  first?: number;
  after?: string | null;
  last?: number;
  before?: string | null;
} {
  return state.direction === "forward"
    ? { first: state.pageSize, after: state.cursor }
    : { last: state.pageSize, before: state.cursor };
}

export function canGoNext(pageInfo: PageInfo | undefined): boolean {
  return Boolean(pageInfo?.hasNextPage && pageInfo.endCursor);
}

export function canGoPrevious(state: PageState, pageInfo: PageInfo | undefined): boolean {
  return state.pageIndex > 0 && Boolean(pageInfo);
}

/** "21–40 of 371" */
export function rangeLabel(state: PageState, rowsOnPage: number, totalCount: number | null | undefined): string {
  if (rowsOnPage === 0) return totalCount ? `0 of ${totalCount}` : "No results";
  const start = state.pageIndex * state.pageSize + 1;
  const end = start + rowsOnPage - 1;
  return totalCount === null || totalCount === undefined
    ? `${start}–${end}`
    : `${start}–${end} of ${totalCount}`;
}
