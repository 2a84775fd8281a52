import type { Tone } from "../customers/labels";
import type { CrmWebhook, WebhookDeliveryStatus, WebhookEventType } from "./graphql/types";

/** The events an endpoint subscribes to, grouped as the CRM page's tabs are; `type` is the payload's. */
export const EVENT_GROUPS: ReadonlyArray<{
  label: string;
  events: ReadonlyArray<{ value: WebhookEventType; type: string; label: string }>;
}> = [
  {
    label: "Customers",
    events: [
      { value: "PROFILE_CREATED", type: "profile.created", label: "A profile is created" },
      { value: "PROFILE_STAGE_CHANGED", type: "profile.stage_changed", label: "Its lifecycle stage changes" },
      { value: "PROFILE_ERASED", type: "profile.erased", label: "The customer is erased (delete your copy)" },
    ],
  },
  {
    label: "Segments",
    events: [
      { value: "SEGMENT_ENTERED", type: "segment.entered", label: "A customer enters a segment" },
      { value: "SEGMENT_LEFT", type: "segment.left", label: "A customer leaves a segment" },
    ],
  },
  {
    label: "Marketing",
    events: [
      { value: "CONSENT_CHANGED", type: "consent.changed", label: "Marketing consent changes" },
      { value: "CAMPAIGN_SENT", type: "campaign.sent", label: "A campaign email is sent" },
    ],
  },
  {
    label: "Tickets",
    events: [
      { value: "TICKET_CREATED", type: "ticket.created", label: "A ticket is opened" },
      { value: "TICKET_SOLVED", type: "ticket.solved", label: "A ticket is solved" },
      { value: "TICKET_RATED", type: "ticket.rated", label: "The customer rates a ticket" },
    ],
  },
];

export const ALL_EVENT_TYPES: ReadonlyArray<WebhookEventType> = EVENT_GROUPS.flatMap((group) =>
  group.events.map((event) => event.value),
);

const EVENT_NAMES = new Map(EVENT_GROUPS.flatMap((group) => group.events.map((event) => [event.value, event.type])));

/** The payload's `type` of an event: "ticket.solved". */
export function eventTypeName(value: WebhookEventType): string {
  return EVENT_NAMES.get(value) ?? value.toLowerCase();
}

/** The events of an endpoint in a line: "All events", or their names. */
export function eventTypesSummary(eventTypes: ReadonlyArray<WebhookEventType>): string {
  if (ALL_EVENT_TYPES.every((value) => eventTypes.includes(value))) return "All events";
  return eventTypes.map(eventTypeName).join(", ");
}

export const DELIVERY_STATUSES: Readonly<Record<WebhookDeliveryStatus, { label: string; tone: Tone }>> = {
  PENDING: { label: "Pending", tone: "info1" },
  SENDING: { label: "Sending", tone: "accent1" },
  SUCCEEDED: { label: "Delivered", tone: "success1" },
  FAILED: { label: "Failed", tone: "critical1" },
};

/** Turned off by the CRM after failures in a row (staff turning it off leave no `disabledAt`). */
export function isTurnedOff(webhook: Pick<CrmWebhook, "isActive" | "disabledAt">): boolean {
  return !webhook.isActive && Boolean(webhook.disabledAt);
}

export function endpointStatus(webhook: Pick<CrmWebhook, "isActive" | "disabledAt">): { label: string; tone: Tone } {
  if (webhook.isActive) return { label: "Active", tone: "success1" };
  return isTurnedOff(webhook) ? { label: "Turned off", tone: "critical1" } : { label: "Off", tone: "default" };
}

/** What staff call an endpoint: its name, or its URL's host. */
export function endpointLabel(webhook: Pick<CrmWebhook, "name" | "url">): string {
  if (webhook.name.trim()) return webhook.name.trim();
  try {
    return new URL(webhook.url).host || webhook.url;
  } catch {
    return webhook.url;
  }
}
