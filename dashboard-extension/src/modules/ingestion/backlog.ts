/** What the event backlog status line says, from `crmEventBacklog`. */
import { formatNumber } from "../core/format";
import type { CrmEventBacklog } from "./graphql/types";

/** How an operator returns parked events to the queue (README: "The event log"). */
export const REPLAY_COMMAND = "python manage.py crm_events --replay";

/**
 * Waiting longer than this means the workers are behind, not merely busy:
 * the sweeper picks up forgotten events every minute.
 */
export const BEHIND_AFTER_SECONDS = 5 * 60;

export type BacklogTone = "success1" | "default" | "warning1";

export interface BacklogSummary {
  /** The status line; null when nothing waits but some events failed (the warning says it all). */
  status: { text: string; tone: BacklogTone; detail?: string } | null;
  /** "3 events failed", when some are parked for an operator. */
  failed: { text: string; count: number } | null;
}

const plural = (count: number, one: string, many: string) => (count === 1 ? one : many);

/** "42 s", "3 min", "5 h", "3 days": how long ago the oldest event came in. */
export function formatAge(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min`;
  if (whole < 48 * 3600) return `${Math.floor(whole / 3600)} h`;
  return `${Math.floor(whole / 86400)} days`;
}

export function describeEventBacklog(backlog: CrmEventBacklog, locale?: string): BacklogSummary {
  const { pendingCount, retryingCount, failedCount, oldestPendingAgeSeconds: age } = backlog;
  const failed =
    failedCount > 0
      ? {
          text: `${formatNumber(failedCount, locale)} ${plural(failedCount, "event", "events")} failed`,
          count: failedCount,
        }
      : null;
  if (pendingCount === 0) {
    return { status: failed ? null : { text: "Up to date", tone: "success1" }, failed };
  }
  const waiting = `${formatNumber(pendingCount, locale)} store ${plural(pendingCount, "event", "events")} waiting`;
  const oldest = age === null ? "" : `, oldest ${formatAge(age)} ago`;
  const detail =
    retryingCount > 0
      ? `${formatNumber(retryingCount, locale)} of them ${plural(retryingCount, "retries", "retry")} after a failed attempt`
      : undefined;
  const tone: BacklogTone = age !== null && age >= BEHIND_AFTER_SECONDS ? "warning1" : "default";
  return { status: { text: waiting + oldest, tone, detail }, failed };
}
