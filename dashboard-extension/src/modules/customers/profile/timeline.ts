import { formatDate, formatMoney } from "../../core/format";
import type { Connection, TimelineEvent } from "../graphql/types";
import { humanize, stageLabel, TIMELINE_LABELS } from "../labels";

export interface TimelineState {
  events: TimelineEvent[];
  hasMore: boolean;
  cursor: string | null;
  totalCount: number | null;
}

export function timelineFromConnection(connection: Connection<TimelineEvent>): TimelineState {
  return {
    events: connection.edges.map((edge) => edge.node),
    hasMore: connection.pageInfo.hasNextPage,
    cursor: connection.pageInfo.endCursor,
    totalCount: connection.totalCount,
  };
}

/** Appends the next page; events already shown (same id) are not repeated. */
export function appendTimelinePage(
  state: TimelineState,
  page: Connection<TimelineEvent>,
): TimelineState {
  const seen = new Set(state.events.map((event) => event.id));
  const fresh = page.edges.map((edge) => edge.node).filter((event) => !seen.has(event.id));
  return {
    events: [...state.events, ...fresh],
    hasMore: page.pageInfo.hasNextPage,
    cursor: page.pageInfo.endCursor ?? state.cursor,
    totalCount: page.totalCount ?? state.totalCount,
  };
}

function text(value: unknown): string | undefined {
  if (typeof value === "string" && value.trim()) return value.trim();
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

export interface TimelineEntry {
  title: string;
  detail?: string;
  /** Saleor order ID when the event is about an order the Dashboard can open. */
  orderId?: string;
}

/** A line for people from the event's type and its free-form `data`. */
export function describeTimelineEvent(event: TimelineEvent, locale?: string): TimelineEntry {
  const data = event.data ?? {};
  const title = TIMELINE_LABELS[event.type] ?? humanize(event.type);
  const orderId = event.objectType === "ORDER" && event.objectId ? event.objectId : undefined;
  const parts: string[] = [];

  if (event.type === "STAGE_CHANGED") {
    const from = text(data.from);
    const to = text(data.to);
    if (from || to) parts.push(`${from ? stageLabel(from) : "—"} → ${to ? stageLabel(to) : "—"}`);
  } else if (event.type === "INTERACTION") {
    const channel = text(data.channel);
    const direction = text(data.direction);
    const subject = text(data.subject);
    if (channel) parts.push(humanize(channel));
    if (direction) parts.push(direction.toLowerCase());
    if (subject) parts.push(subject);
  } else if (event.type.startsWith("TICKET_")) {
    const number = text(data.number);
    const subject = text(data.subject);
    const rating = text(data.rating);
    if (number) parts.push(`Ticket #${number}`);
    if (subject) parts.push(subject);
    if (rating) parts.push(`rated ${rating}/5`);
  } else if (event.type === "VOUCHER_ISSUED") {
    // A goodwill voucher from a ticket: its code, terms and expiry.
    const number = text(data.number);
    const code = text(data.code);
    const terms = text(data.terms);
    const expires = text(data.expires_at);
    if (number) parts.push(`Ticket #${number}`);
    if (code) parts.push(code);
    if (terms) parts.push(terms);
    if (expires) parts.push(`valid until ${formatDate(expires, locale)}`);
  } else if (event.type === "REFUND_STARTED") {
    // A refund of the ticket's order, started through Saleor.
    const number = text(data.number);
    const amount = Number(text(data.amount));
    const currency = text(data.currency);
    const status = text(data.status);
    if (number) parts.push(`Ticket #${number}`);
    if (currency && Number.isFinite(amount)) parts.push(formatMoney({ amount, currency }, locale));
    if (status) parts.push(humanize(status));
  } else if (event.type === "PROFILES_MERGED") {
    const merged = text(data.email) ?? text(data.merged_email) ?? text(data.from);
    if (merged) parts.push(`Merged ${merged}`);
  } else {
    const number = text(data.number);
    if (number) parts.push(`#${number}`);
    const amount = Number(text(data.amount) ?? text(data.total));
    const currency = text(data.currency);
    if (currency && Number.isFinite(amount)) parts.push(formatMoney({ amount, currency }, locale));
    const channel = text(data.channel);
    if (channel) parts.push(channel);
  }
  return { title, detail: parts.length ? parts.join(" · ") : undefined, orderId };
}
