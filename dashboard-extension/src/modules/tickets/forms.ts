import type { MutationError } from "./graphql/types";

/**
 * A mutation's `errors` by where a form shows them: on one of `fields`, or
 * for the whole form.
 */
export function mutationFieldErrors<TField extends string>(
  errors: ReadonlyArray<MutationError>,
  fields: ReadonlyArray<TField>,
): Partial<Record<TField | "form", string>> {
  const result: Partial<Record<TField | "form", string>> = {};
  for (const error of errors) {
    const message = error.message || defaultMessage(error.code);
    const key = (fields as ReadonlyArray<string>).includes(error.field ?? "") ? (error.field as TField) : "form";
    result[key] = result[key] ? `${result[key]} ${message}` : message;
  }
  return result;
}

function defaultMessage(code: MutationError["code"]): string {
  switch (code) {
    case "NOT_FOUND":
      return "It no longer exists.";
    case "REQUIRED":
      return "This field is required.";
    case "CLOSED":
      return "This ticket is closed.";
    case "EXPIRED":
      return "This has expired.";
    case "ERASED":
      return "The customer's data was erased.";
    case "THROTTLED":
      return "Too many attempts. Try again later.";
    default:
      return "This value is not valid.";
  }
}

export const MAX_SUBJECT_LENGTH = 255;
export const MAX_TAG_LENGTH = 100;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface NewTicketValues {
  subject: string;
  body: string;
}

export type NewTicketErrors = Partial<Record<"subject" | "body" | "customerEmail" | "form", string>>;

/** Checks a ticket staff open for a customer, as the server would. */
export function validateNewTicket(values: NewTicketValues, customerEmail: string): NewTicketErrors {
  const errors: NewTicketErrors = {};
  if (!EMAIL.test(customerEmail.trim())) errors.customerEmail = "The customer has no usable email address.";
  if (!values.subject.trim()) errors.subject = "Give the ticket a subject.";
  else if (values.subject.trim().length > MAX_SUBJECT_LENGTH) {
    errors.subject = `Subjects are at most ${MAX_SUBJECT_LENGTH} characters.`;
  }
  if (!values.body.trim()) errors.body = "Write what the customer needs.";
  return errors;
}

export type InteractionErrors = Partial<Record<"subject" | "body" | "occurredAt" | "customerEmail" | "form", string>>;

/** Checks a logged contact: something to say, a time that is not in the future. */
export function validateInteraction(
  values: { subject: string; body: string; occurredAt: string },
  customerEmail: string,
  now: Date = new Date(),
): InteractionErrors {
  const errors: InteractionErrors = {};
  if (!EMAIL.test(customerEmail.trim())) errors.customerEmail = "The customer has no usable email address.";
  if (!values.subject.trim() && !values.body.trim()) errors.body = "Say what it was about: a subject or notes.";
  if (values.subject.trim().length > MAX_SUBJECT_LENGTH) {
    errors.subject = `Subjects are at most ${MAX_SUBJECT_LENGTH} characters.`;
  }
  if (values.occurredAt) {
    const when = new Date(values.occurredAt);
    if (Number.isNaN(when.getTime())) errors.occurredAt = "Enter a date and time.";
    else if (when.getTime() > now.getTime() + 60_000) errors.occurredAt = "That is in the future.";
  }
  return errors;
}

/** "refund, damaged , refund" → ["refund", "damaged"]. */
export function parseTags(text: string): string[] {
  const tags: string[] = [];
  for (const raw of text.split(",")) {
    const tag = raw.trim();
    if (tag && !tags.includes(tag)) tags.push(tag);
  }
  return tags;
}
