import { humanize, type Tone } from "../customers/labels";
import type {
  InteractionChannel,
  InteractionDirection,
  TicketPriority,
  TicketStatus,
} from "./graphql/types";

export const TICKET_STATUSES: ReadonlyArray<{
  value: TicketStatus;
  label: string;
  tone: Tone;
  description: string;
}> = [
  { value: "NEW", label: "New", tone: "info1", description: "Nobody has answered yet" },
  { value: "OPEN", label: "Open", tone: "accent1", description: "Being worked on, or the customer wrote again" },
  { value: "PENDING", label: "Pending", tone: "warning1", description: "Answered; waiting for the customer" },
  { value: "ON_HOLD", label: "On hold", tone: "default", description: "Waiting on a supplier or carrier" },
  { value: "SOLVED", label: "Solved", tone: "success1", description: "Reopens if the customer writes again" },
  { value: "CLOSED", label: "Closed", tone: "default", description: "Closed for good" },
];

/** Statuses that still need work (what the CRM counts as open). */
export const OPEN_STATUSES: ReadonlyArray<TicketStatus> = ["NEW", "OPEN", "PENDING", "ON_HOLD"];

export const TICKET_PRIORITIES: ReadonlyArray<{ value: TicketPriority; label: string; tone: Tone }> = [
  { value: "LOW", label: "Low", tone: "default" },
  { value: "NORMAL", label: "Normal", tone: "default" },
  { value: "HIGH", label: "High", tone: "warning1" },
  { value: "URGENT", label: "Urgent", tone: "critical1" },
];

export const CHANNELS: ReadonlyArray<{ value: InteractionChannel; label: string }> = [
  { value: "EMAIL", label: "Email" },
  { value: "PHONE", label: "Phone" },
  { value: "CHAT", label: "Live chat" },
  { value: "WEB_FORM", label: "Web form" },
  { value: "SMS", label: "SMS" },
  { value: "SOCIAL", label: "Social media" },
  { value: "IN_STORE", label: "In store" },
  { value: "OTHER", label: "Other" },
];

export const DIRECTIONS: ReadonlyArray<{ value: InteractionDirection; label: string }> = [
  { value: "INBOUND", label: "The customer reached out" },
  { value: "OUTBOUND", label: "We reached out" },
];

const statusByValue = new Map(TICKET_STATUSES.map((status) => [status.value, status]));
const priorityByValue = new Map(TICKET_PRIORITIES.map((priority) => [priority.value, priority]));
const channelByValue = new Map(CHANNELS.map((channel) => [channel.value, channel]));

export function statusLabel(status: string | null | undefined): string {
  if (!status) return "—";
  return statusByValue.get(status.toUpperCase() as TicketStatus)?.label ?? humanize(status);
}

export function statusTone(status: string | null | undefined): Tone {
  return statusByValue.get((status ?? "").toUpperCase() as TicketStatus)?.tone ?? "default";
}

export function priorityLabel(priority: string | null | undefined): string {
  if (!priority) return "—";
  return priorityByValue.get(priority.toUpperCase() as TicketPriority)?.label ?? humanize(priority);
}

export function priorityTone(priority: string | null | undefined): Tone {
  return priorityByValue.get((priority ?? "").toUpperCase() as TicketPriority)?.tone ?? "default";
}

export function channelLabel(channel: string | null | undefined): string {
  if (!channel) return "—";
  return channelByValue.get(channel.toUpperCase() as InteractionChannel)?.label ?? humanize(channel);
}

export function isOpenStatus(status: TicketStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/** "#1074" */
export function ticketNumber(ticket: { number: number }): string {
  return `#${ticket.number}`;
}
