/**
 * Types of the CRM's event log schema (graphql/schema.graphql at the
 * repository root) as the operations in this folder select them.
 * documents.test.ts checks the operations against that schema.
 */

/** `CrmEventBacklog`: store events not yet applied to the CRM. */
export interface CrmEventBacklog {
  /** Recorded, not yet applied (retrying ones included). */
  pendingCount: number;
  /** Pending again after a failed attempt. */
  retryingCount: number;
  /** Parked after their last attempt, until an operator replays them. */
  failedCount: number;
  oldestPendingAt: string | null;
  /** Measured by the server, so the browser's clock does not matter. */
  oldestPendingAgeSeconds: number | null;
}

export interface CrmEventBacklogData {
  crmEventBacklog: CrmEventBacklog;
}
