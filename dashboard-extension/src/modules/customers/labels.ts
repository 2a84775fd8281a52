import type {
  LifecycleStage,
  OrderChargeStatus,
  OrderStatus,
  RfmSegment,
  TimelineEventType,
} from "./graphql/types";

/** macaw-ui colour token names a status can take (text, background and border sets share them). */
export type Tone = "default" | "info1" | "success1" | "warning1" | "critical1" | "accent1";

/** Shown where the CRM left out order data: Saleor's rule for a customer's orders. */
export const NEEDS_MANAGE_ORDERS = "Orders need the Manage orders permission.";

export const LIFECYCLE_STAGES: ReadonlyArray<{ value: LifecycleStage; label: string; tone: Tone; description: string }> = [
  { value: "PROSPECT", label: "Prospect", tone: "default", description: "Known, no order yet" },
  { value: "NEW", label: "New", tone: "info1", description: "One order, recently" },
  { value: "ACTIVE", label: "Active", tone: "accent1", description: "Repeat buyer, ordering recently" },
  { value: "LOYAL", label: "Loyal", tone: "success1", description: "Top buyers by frequency and spend" },
  { value: "AT_RISK", label: "At risk", tone: "warning1", description: "No order for a while" },
  { value: "LAPSED", label: "Lapsed", tone: "critical1", description: "No order for a long time" },
];

export const RFM_SEGMENTS: ReadonlyArray<{ value: RfmSegment; label: string; tone: Tone }> = [
  { value: "CHAMPIONS", label: "Champions", tone: "success1" },
  { value: "LOYAL", label: "Loyal", tone: "success1" },
  { value: "POTENTIAL_LOYALIST", label: "Potential loyalist", tone: "accent1" },
  { value: "NEW_CUSTOMERS", label: "New customers", tone: "info1" },
  { value: "PROMISING", label: "Promising", tone: "info1" },
  { value: "NEED_ATTENTION", label: "Need attention", tone: "warning1" },
  { value: "ABOUT_TO_SLEEP", label: "About to sleep", tone: "warning1" },
  { value: "AT_RISK", label: "At risk", tone: "critical1" },
  { value: "CANNOT_LOSE", label: "Can't lose them", tone: "critical1" },
  { value: "HIBERNATING", label: "Hibernating", tone: "default" },
];

export const ORDER_STATUSES: Readonly<Record<OrderStatus, { label: string; tone: Tone }>> = {
  DRAFT: { label: "Draft", tone: "default" },
  UNCONFIRMED: { label: "Unconfirmed", tone: "default" },
  UNFULFILLED: { label: "Unfulfilled", tone: "info1" },
  PARTIALLY_FULFILLED: { label: "Partially fulfilled", tone: "info1" },
  PARTIALLY_RETURNED: { label: "Partially returned", tone: "warning1" },
  RETURNED: { label: "Returned", tone: "warning1" },
  FULFILLED: { label: "Fulfilled", tone: "success1" },
  CANCELED: { label: "Cancelled", tone: "critical1" },
  EXPIRED: { label: "Expired", tone: "default" },
};

export const CHARGE_STATUS_LABELS: Readonly<Record<OrderChargeStatus, string>> = {
  NONE: "Not paid",
  PARTIAL: "Partly paid",
  FULL: "Paid",
  OVERCHARGED: "Overpaid",
};

/** How much of an order is paid, as staff read it; empty when the store did not say. */
export function chargeStatusLabel(status: string | null | undefined): string {
  if (!status) return "";
  return CHARGE_STATUS_LABELS[status as OrderChargeStatus] ?? humanize(status);
}

/** An order status as staff read it; a value this build does not know is humanised. */
export function orderStatusLabel(status: string): string {
  return ORDER_STATUSES[status as OrderStatus]?.label ?? humanize(status);
}

export function orderStatusTone(status: string): Tone {
  return ORDER_STATUSES[status as OrderStatus]?.tone ?? "info1";
}

const stageByValue = new Map(LIFECYCLE_STAGES.map((stage) => [stage.value, stage]));
const segmentByValue = new Map(RFM_SEGMENTS.map((segment) => [segment.value, segment]));

export function stageLabel(stage: string | null | undefined): string {
  if (!stage) return "—";
  return stageByValue.get(stage.toUpperCase() as LifecycleStage)?.label ?? humanize(stage);
}

export function stageTone(stage: string | null | undefined): Tone {
  return stageByValue.get((stage ?? "").toUpperCase() as LifecycleStage)?.tone ?? "default";
}

export function segmentLabel(segment: string | null | undefined): string {
  if (!segment) return "Not scored";
  return segmentByValue.get(segment as RfmSegment)?.label ?? humanize(segment);
}

export function segmentTone(segment: string | null | undefined): Tone {
  return segmentByValue.get(segment as RfmSegment)?.tone ?? "default";
}

export const TIMELINE_LABELS: Record<TimelineEventType, string> = {
  ORDER_PLACED: "Order placed",
  ORDER_PAID: "Order paid",
  ORDER_FULFILLED: "Order fulfilled",
  ORDER_CANCELLED: "Order cancelled",
  ORDER_REFUNDED: "Order refunded",
  ORDER_FULLY_REFUNDED: "Order fully refunded",
  CHECKOUT_STARTED: "Checkout started",
  CHECKOUT_ABANDONED: "Checkout abandoned",
  ACCOUNT_CREATED: "Account created",
  ACCOUNT_UPDATED: "Account updated",
  ACCOUNT_DELETED: "Account deleted",
  STAGE_CHANGED: "Lifecycle stage changed",
  PROFILES_MERGED: "Profiles merged",
  INTERACTION: "Contact logged",
  TICKET_OPENED: "Ticket opened",
  TICKET_SOLVED: "Ticket solved",
  TICKET_SLA_BREACHED: "Ticket missed its SLA",
  TICKET_RATED: "Ticket rated",
  VOUCHER_ISSUED: "Voucher issued",
  REFUND_STARTED: "Refund started",
};

/** "fully_refunded" → "Fully refunded". */
export function humanize(value: string): string {
  const text = value.replace(/[_-]+/g, " ").trim().toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
