import type { RfmGridCell, RfmSegment } from "../graphql/types";

export const SCORES = [1, 2, 3, 4, 5] as const;

/** Frequency-monetary score: the rounded-up mean of F and M, as the backend scores segments. */
export function fmScore(frequency: number, monetary: number): number {
  return Math.floor((frequency + monetary + 1) / 2);
}

/**
 * The backend's segment rules (saleor_crm_plugin/analytics/scoring.py):
 * (segment, recency scores, FM scores); they cover the 25 cells once.
 */
export const SEGMENT_RULES: ReadonlyArray<readonly [RfmSegment, readonly number[], readonly number[]]> = [
  ["CHAMPIONS", [5], [4, 5]],
  ["LOYAL", [3, 4], [4, 5]],
  ["POTENTIAL_LOYALIST", [4, 5], [2, 3]],
  ["NEW_CUSTOMERS", [5], [1]],
  ["PROMISING", [4], [1]],
  ["NEED_ATTENTION", [3], [3]],
  ["ABOUT_TO_SLEEP", [3], [1, 2]],
  ["CANNOT_LOSE", [1, 2], [5]],
  ["AT_RISK", [1, 2], [3, 4]],
  ["HIBERNATING", [1, 2], [1, 2]],
];

export function segmentOfCell(recency: number, fm: number): RfmSegment | undefined {
  return SEGMENT_RULES.find(([, recencies, fms]) => recencies.includes(recency) && fms.includes(fm))?.[0];
}

export interface GridCell {
  recency: number;
  fm: number;
  count: number;
  /** 0 for empty cells, then 1 (few) to 4 (the fullest cell). */
  level: 0 | 1 | 2 | 3 | 4;
  /** Share of all scored customers, 0-1. */
  share: number;
  segment: RfmSegment | undefined;
}

export interface Grid {
  /** Rows from FM 5 (top) to FM 1, each with recency 1 (left) to 5. */
  rows: GridCell[][];
  total: number;
  max: number;
}

/**
 * Lays the backend's cells (empty ones may be missing, duplicates add up,
 * out-of-range scores are dropped) onto a 5×5 grid with heat levels.
 */
export function buildRfmGrid(cells: ReadonlyArray<RfmGridCell>): Grid {
  const counts = new Map<string, number>();
  for (const cell of cells) {
    if (!isScore(cell.recency) || !isScore(cell.fm) || !(cell.count > 0)) continue;
    const key = `${cell.recency}:${cell.fm}`;
    counts.set(key, (counts.get(key) ?? 0) + cell.count);
  }
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  const max = Math.max(0, ...counts.values());
  const rows = [...SCORES].reverse().map((fm) =>
    SCORES.map((recency) => {
      const count = counts.get(`${recency}:${fm}`) ?? 0;
      return {
        recency,
        fm,
        count,
        level: heatLevel(count, max),
        share: total ? count / total : 0,
        segment: segmentOfCell(recency, fm),
      };
    }),
  );
  return { rows, total, max };
}

export function heatLevel(count: number, max: number): GridCell["level"] {
  if (count <= 0 || max <= 0) return 0;
  return Math.max(1, Math.ceil((count / max) * 4)) as GridCell["level"];
}

function isScore(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 5;
}
