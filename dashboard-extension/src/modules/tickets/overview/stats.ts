import { EMPTY } from "../../core/format";
import type { SlaAttainmentPoint, TicketStatusCount, TicketVolumePoint } from "../graphql/types";
import { TICKET_STATUSES } from "../labels";

/** "17 Nov": a week by its first day (periods start at UTC midnight). */
export function formatWeek(value: string, locale?: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return EMPTY;
  return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" }).format(date);
}

export interface VolumeRow {
  period: string;
  periodStart: string;
  Opened: number;
  Solved: number;
}

/** Opened vs solved per week, oldest first, for a grouped bar chart. */
export function volumeChartData(points: TicketVolumePoint[], locale?: string): VolumeRow[] {
  return [...points]
    .sort((a, b) => a.periodStart.localeCompare(b.periodStart))
    .map((point) => ({
      period: formatWeek(point.periodStart, locale),
      periodStart: point.periodStart,
      Opened: point.opened,
      Solved: point.solved,
    }));
}

export interface AttainmentRow {
  period: string;
  periodStart: string;
  /** Per cent within target, one decimal; null for weeks with nothing solved (a gap). */
  rate: number | null;
  solved: number;
  withinTarget: number;
}

function percent(rate: number | null | undefined): number | null {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return null;
  return Math.round(Math.min(Math.max(rate, 0), 1) * 1000) / 10;
}

/** SLA attainment per week as a percentage line, gaps where nothing was solved. */
export function attainmentChartData(points: SlaAttainmentPoint[], locale?: string): AttainmentRow[] {
  return [...points]
    .sort((a, b) => a.periodStart.localeCompare(b.periodStart))
    .map((point) => ({
      period: formatWeek(point.periodStart, locale),
      periodStart: point.periodStart,
      rate: point.solved > 0 ? percent(point.rate ?? point.withinTarget / point.solved) : null,
      solved: point.solved,
      withinTarget: point.withinTarget,
    }));
}

/** Attainment over the whole range: all within-target over all solved. */
export function overallAttainment(points: SlaAttainmentPoint[]): {
  solved: number;
  withinTarget: number;
  rate: number | null;
} {
  const solved = points.reduce((sum, point) => sum + point.solved, 0);
  const withinTarget = points.reduce((sum, point) => sum + point.withinTarget, 0);
  return { solved, withinTarget, rate: solved > 0 ? percent(withinTarget / solved) : null };
}

/** Every status in workflow order, with 0 for those the server left out. */
export function statusBreakdown(byStatus: TicketStatusCount[]) {
  const counts = new Map(byStatus.map((row) => [row.status, row.count]));
  return TICKET_STATUSES.map((status) => ({
    status: status.value,
    label: status.label,
    tone: status.tone,
    count: counts.get(status.value) ?? 0,
  }));
}
