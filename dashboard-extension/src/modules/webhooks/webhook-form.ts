/**
 * The endpoint editor's form: values ↔ `CrmWebhookCreateInput` /
 * `CrmWebhookUpdateInput`, the checks the backend makes first
 * (webhooks/services.py, webhooks/destinations.py: whether the host may be
 * reached is only the server's to say), and the mutation's errors on the
 * field they name.
 */
import { mutationFieldErrors } from "../tickets/forms";
import type {
  CrmWebhook,
  CrmWebhookCreateInput,
  CrmWebhookUpdateInput,
  WebhookError,
  WebhookEventType,
} from "./graphql/types";
import { ALL_EVENT_TYPES } from "./labels";

export const MAX_URL = 2048;
export const MAX_NAME = 255;
export const MIN_SECRET = 24;
export const MAX_SECRET = 255;

export interface WebhookValues {
  name: string;
  url: string;
  eventTypes: WebhookEventType[];
  isActive: boolean;
  /** Editing only: a new signing secret; empty keeps the one set. */
  secret: string;
}

export const WEBHOOK_FIELDS = ["name", "url", "eventTypes", "isActive", "secret"] as const;
export type WebhookField = (typeof WEBHOOK_FIELDS)[number];
export type WebhookErrors = Partial<Record<WebhookField | "form", string>>;

export function emptyWebhook(): WebhookValues {
  return { name: "", url: "", eventTypes: [], isActive: true, secret: "" };
}

export function fromWebhook(webhook: CrmWebhook): WebhookValues {
  return { name: webhook.name, url: webhook.url, eventTypes: [...webhook.eventTypes], isActive: webhook.isActive, secret: "" };
}

/** What the backend would refuse before resolving the host, on the same field names. */
export function validateWebhook(values: WebhookValues): WebhookErrors {
  const errors: WebhookErrors = {};
  const url = values.url.trim();
  if (!url) errors.url = "Enter the endpoint's URL.";
  else if (url.length > MAX_URL) errors.url = `URLs are at most ${MAX_URL} characters.`;
  else {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !["http:", "https:"].includes(parsed.protocol) || !parsed.hostname) {
      errors.url = "An http(s) URL, such as https://example.com/crm-events.";
    } else if (parsed.username || parsed.password) {
      errors.url = "Leave the user name and password out of the URL.";
    } else if (url.includes("#")) {
      errors.url = "Leave the fragment (#…) out of the URL.";
    }
  }
  if (values.name.trim().length > MAX_NAME) errors.name = `Names are at most ${MAX_NAME} characters.`;
  if (!values.eventTypes.length) errors.eventTypes = "Choose at least one event.";
  if (values.secret && (values.secret.length < MIN_SECRET || values.secret.length > MAX_SECRET)) {
    errors.secret = `A secret has ${MIN_SECRET} to ${MAX_SECRET} characters.`;
  }
  return errors;
}

/** The events in the order the form lists them (call after {@link validateWebhook} found nothing). */
function orderedEvents(eventTypes: ReadonlyArray<WebhookEventType>): WebhookEventType[] {
  return ALL_EVENT_TYPES.filter((value) => eventTypes.includes(value));
}

export function toCreateInput(values: WebhookValues): CrmWebhookCreateInput {
  return {
    url: values.url.trim(),
    eventTypes: orderedEvents(values.eventTypes),
    name: values.name.trim(),
    isActive: values.isActive,
  };
}

/**
 * Only what changed: omitted fields stay, and an unchanged URL is not
 * resolved again (a host briefly failing to resolve does not block a rename).
 */
export function toUpdateInput(values: WebhookValues, webhook: CrmWebhook): CrmWebhookUpdateInput {
  const input: CrmWebhookUpdateInput = {};
  if (values.url.trim() !== webhook.url) input.url = values.url.trim();
  if (values.name.trim() !== webhook.name) input.name = values.name.trim();
  const events = orderedEvents(values.eventTypes);
  if (events.join() !== orderedEvents(webhook.eventTypes).join()) input.eventTypes = events;
  if (values.isActive !== webhook.isActive) input.isActive = values.isActive;
  if (values.secret) input.secret = values.secret;
  return input;
}

/** A mutation's errors by field; `form` for those the editor has no place for. */
export function webhookFieldErrors(errors: ReadonlyArray<WebhookError>): WebhookErrors {
  return mutationFieldErrors(errors, WEBHOOK_FIELDS);
}
