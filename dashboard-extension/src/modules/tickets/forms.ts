import type { Money } from "../core/format";
import { jwtClaims } from "../core/token-store";
import type {
  MutationError,
  OfferDiscountType,
  TicketRefundInput,
  TicketVoucherInput,
} from "./graphql/types";

/**
 * A mutation's `errors` by where a form shows them: on one of `fields`, or
 * for the whole form. Any module's `errors { field code message }` will do.
 */
export function mutationFieldErrors<TField extends string>(
  errors: ReadonlyArray<Omit<MutationError, "code"> & { code: string }>,
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

function defaultMessage(code: string): string {
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
    case "UNAVAILABLE":
      return "The store cannot do this here.";
    case "CANNOT_REFUND":
      return "Saleor refused the refund.";
    case "PERMISSION_DENIED":
      return "Saleor does not let you do this.";
    case "IN_PROGRESS":
      return "This refund was already asked for; check the order in Saleor.";
    case "CONFLICT":
      return "This was already used for something else.";
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

// --- order actions: goodwill vouchers and refunds ---------------------------

/** As the server allows: a voucher lasts 1 to 365 days; amounts have at most 3 decimals. */
export const MAX_VALID_DAYS = 365;
export const MAX_NOTE_LENGTH = 2000;
const MAX_AMOUNT = 999_999_999.999;
const DECIMAL = /^\d+(\.\d{1,3})?$/;
const DECIMAL_ANY = /^\d+(\.\d+)?$/;

/** The Saleor permission a goodwill voucher needs (besides MANAGE_USERS). */
export const VOUCHER_PERMISSION = "MANAGE_DISCOUNTS";

/**
 * Whether the token lets its holder issue vouchers; `undefined` when the
 * token does not list permissions (the CRM is asked, and refuses if not).
 */
export function tokenMayIssueVouchers(token: string | undefined): boolean | undefined {
  const permissions = jwtClaims(token)?.permissions;
  if (!Array.isArray(permissions)) return undefined;
  return permissions.includes(VOUCHER_PERMISSION);
}

export interface VoucherFormValues {
  discountType: OfferDiscountType;
  value: string;
  validDays: string;
  channel: string;
  minimumSpent: string;
  note: string;
}

export const VOUCHER_FIELDS = ["discountType", "value", "validDays", "channel", "minimumSpent", "note"] as const;
export type VoucherErrors = Partial<Record<(typeof VOUCHER_FIELDS)[number] | "form", string>>;

/** A fresh voucher form: 10 % for 30 days in `channel` (the ticket's order's). */
export function voucherDefaults(channel: string): VoucherFormValues {
  return { discountType: "PERCENTAGE", value: "10", validDays: "30", channel, minimumSpent: "", note: "" };
}

function decimalError(text: string, what: string): string | undefined {
  if (!DECIMAL_ANY.test(text)) return `Enter ${what} as a number, like 12.50.`;
  if (!DECIMAL.test(text)) return "At most 3 decimal places.";
  if (Number(text) > MAX_AMOUNT) return "That is more than the store can hold.";
  return undefined;
}

/** Checks a goodwill voucher's terms as the server would (it also checks the channel's currency). */
export function validateVoucher(values: VoucherFormValues): VoucherErrors {
  const errors: VoucherErrors = {};
  const value = values.value.trim();
  if (!value) errors.value = "Say how much off.";
  else {
    const error = decimalError(value, "the value");
    if (error) errors.value = error;
    else if (Number(value) <= 0) errors.value = "Must be more than 0.";
    else if (values.discountType === "PERCENTAGE" && Number(value) > 100) errors.value = "A percentage is at most 100.";
  }
  const days = values.validDays.trim();
  if (!/^\d+$/.test(days)) errors.validDays = "Enter a whole number of days.";
  else if (Number(days) < 1 || Number(days) > MAX_VALID_DAYS) errors.validDays = `From 1 to ${MAX_VALID_DAYS} days.`;
  if (!values.channel.trim()) errors.channel = "Name the channel it is valid in.";
  const minimum = values.minimumSpent.trim();
  if (minimum) {
    const error = decimalError(minimum, "the minimum");
    if (error) errors.minimumSpent = error;
  }
  if (values.note.trim().length > MAX_NOTE_LENGTH) errors.note = `Notes are at most ${MAX_NOTE_LENGTH} characters.`;
  return errors;
}

/** The mutation's input for valid form values. */
export function voucherInput(values: VoucherFormValues): TicketVoucherInput {
  const minimum = values.minimumSpent.trim();
  const note = values.note.trim();
  return {
    discountType: values.discountType,
    value: values.value.trim(),
    validDays: Number(values.validDays.trim()),
    channel: values.channel.trim(),
    ...(minimum ? { minimumSpent: minimum } : {}),
    ...(note ? { note } : {}),
  };
}

export interface RefundFormValues {
  amount: string;
  reason: string;
  /** One of the store's refund reasons (`ticketRefundReasons`), by ID; "" for none. */
  reasonReference?: string;
}

export const REFUND_FIELDS = ["amount", "reason", "reasonReference", "idempotencyKey"] as const;
export type RefundErrors = Partial<Record<(typeof REFUND_FIELDS)[number] | "form", string>>;

/**
 * Checks a refund: an amount above 0, at most the order's total when it is
 * known, and a refund reason when the store requires one.
 */
export function validateRefund(
  values: RefundFormValues,
  orderTotal?: Money | null,
  reasonRequired = false,
): RefundErrors {
  const errors: RefundErrors = {};
  const amount = values.amount.trim();
  if (!amount) errors.amount = "Say how much to refund.";
  else {
    const error = decimalError(amount, "the amount");
    if (error) errors.amount = error;
    else if (Number(amount) <= 0) errors.amount = "Must be more than 0.";
    else if (orderTotal && Number(amount) > orderTotal.amount) {
      errors.amount = `At most the order's total, ${orderTotal.amount} ${orderTotal.currency}.`;
    }
  }
  if (values.reason.trim().length > MAX_NOTE_LENGTH) errors.reason = `Reasons are at most ${MAX_NOTE_LENGTH} characters.`;
  if (reasonRequired && !values.reasonReference) errors.reasonReference = "Saleor asks for a refund reason: choose one.";
  return errors;
}

/**
 * The mutation's input. `idempotencyKey` is made once per form: a double
 * click or a retried request sends the same key, and the CRM refunds once.
 */
export function refundInput(values: RefundFormValues, idempotencyKey: string): TicketRefundInput {
  const reason = values.reason.trim();
  return {
    amount: values.amount.trim(),
    ...(reason ? { reason } : {}),
    ...(values.reasonReference ? { reasonReference: values.reasonReference } : {}),
    idempotencyKey,
  };
}

/** A key for one refund form. */
export function newIdempotencyKey(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") return `refund-${crypto.randomUUID()}`;
  return `refund-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
