/**
 * The campaign editor's form: values ↔ `CampaignInput`, the checks the
 * backend makes (marketing/campaigns.py, marketing/offers.py), and the
 * mutation's errors on the field they name (`subject`, `offer.value`,
 * `variants.1.body`, …).
 */
import type {
  CampaignDetails,
  CampaignDiscountType,
  CampaignInput,
  CampaignWinnerMetric,
  MarketingError,
} from "../graphql/types";

export const MAX_NAME = 255;
export const MAX_SUBJECT = 255;
export const MAX_VARIANTS = 4;
export const MAX_HOLDOUT_PERCENT = 50;
export const MAX_TEST_PERCENT = 50;
export const MAX_WINNER_AFTER_HOURS = 24 * 30;
export const MAX_VALID_DAYS = 365;
export const MAX_SCHEDULE_DAYS = 366;

/** What a template may name (marketing/templates.py: VARIABLES), as the editor lists them. */
export const TEMPLATE_VARIABLES: ReadonlyArray<{ name: string; description: string; offerOnly?: boolean }> = [
  { name: "{{customer.first_name}}", description: "First name" },
  { name: "{{customer.last_name}}", description: "Last name" },
  { name: "{{customer.email}}", description: "Email address" },
  { name: "{{offer.code}}", description: "Their personal code", offerOnly: true },
  { name: "{{date offer.expires_at}}", description: "When the code expires", offerOnly: true },
  { name: "{{unsubscribe_url}}", description: "One-click unsubscribe link" },
  { name: "{{shop.name}}", description: "Your store's name" },
  { name: '{{price "12.5" "EUR"}}', description: "An amount with its currency" },
];

export interface OfferValues {
  discountType: CampaignDiscountType;
  value: string;
  validDays: string;
  channel: string;
  minimumSpent: string;
}

export interface CampaignValues {
  name: string;
  segment: string;
  subject: string;
  body: string;
  fromEmail: string;
  offerEnabled: boolean;
  offer: OfferValues;
  holdoutPercent: string;
  testPercent: string;
  variants: { subject: string; body: string }[];
  winnerMetric: CampaignWinnerMetric;
  winnerAfterHours: string;
}

export const EMPTY_OFFER: OfferValues = { discountType: "PERCENTAGE", value: "10", validDays: "14", channel: "", minimumSpent: "" };

export function emptyCampaign(): CampaignValues {
  return {
    name: "",
    segment: "",
    subject: "",
    body: "<p>Hi {{customer.first_name}},</p>\n<p></p>\n<p><a href=\"{{unsubscribe_url}}\">Unsubscribe</a></p>",
    fromEmail: "",
    offerEnabled: false,
    offer: { ...EMPTY_OFFER },
    holdoutPercent: "10",
    testPercent: "0",
    variants: [],
    winnerMetric: "OPEN_RATE",
    winnerAfterHours: "4",
  };
}

export function fromCampaign(campaign: CampaignDetails): CampaignValues {
  return {
    name: campaign.name,
    segment: campaign.segment?.id ?? "",
    subject: campaign.subject,
    body: campaign.body,
    fromEmail: campaign.fromEmail,
    offerEnabled: Boolean(campaign.offer),
    offer: campaign.offer
      ? {
          discountType: campaign.offer.discountType,
          value: String(campaign.offer.value),
          validDays: String(campaign.offer.validDays),
          channel: campaign.offer.channel,
          minimumSpent: campaign.offer.minimumSpent == null ? "" : String(campaign.offer.minimumSpent),
        }
      : { ...EMPTY_OFFER },
    holdoutPercent: String(campaign.holdoutPercent),
    testPercent: String(campaign.testPercent),
    variants: [...campaign.variants]
      .sort((a, b) => a.position - b.position)
      .map((variant) => ({ subject: variant.subject, body: variant.body })),
    winnerMetric: campaign.winnerMetric,
    winnerAfterHours: String(campaign.winnerAfterHours),
  };
}

const whole = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN);

/** The form as `CampaignInput` (call after {@link validateCampaign} found nothing). */
export function toCampaignInput(values: CampaignValues): CampaignInput {
  const hasVariants = values.variants.length > 0;
  return {
    name: values.name.trim(),
    segment: values.segment,
    subject: values.subject.trim(),
    body: values.body,
    fromEmail: values.fromEmail.trim(),
    offer: values.offerEnabled
      ? {
          discountType: values.offer.discountType,
          value: values.offer.value.trim(),
          validDays: whole(values.offer.validDays),
          channel: values.offer.channel.trim(),
          minimumSpent: values.offer.minimumSpent.trim() || null,
        }
      : null,
    holdoutPercent: whole(values.holdoutPercent),
    // No variants, no test group: the backend refuses either alone.
    testPercent: hasVariants ? whole(values.testPercent) : 0,
    variants: values.variants.map((variant) => ({
      ...(variant.subject.trim() ? { subject: variant.subject.trim() } : {}),
      ...(variant.body.trim() ? { body: variant.body } : {}),
    })),
    winnerMetric: values.winnerMetric,
    winnerAfterHours: whole(values.winnerAfterHours),
  };
}

export type CampaignErrors = Partial<Record<string, string>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const AMOUNT = /^\d+(\.\d{1,3})?$/;

/** What the backend would refuse, on the same field names. */
export function validateCampaign(values: CampaignValues): CampaignErrors {
  const errors: CampaignErrors = {};
  if (!values.name.trim()) errors.name = "Give the campaign a name.";
  else if (values.name.trim().length > MAX_NAME) errors.name = `At most ${MAX_NAME} characters.`;
  if (!values.segment) errors.segment = "Choose the segment it goes to.";
  if (!values.subject.trim()) errors.subject = "Write a subject.";
  else if (values.subject.trim().length > MAX_SUBJECT) errors.subject = `At most ${MAX_SUBJECT} characters.`;
  if (!values.body.trim()) errors.body = "Write the email.";
  if (values.fromEmail.trim() && !EMAIL.test(values.fromEmail.trim())) errors.fromEmail = "Not an email address.";
  const holdout = whole(values.holdoutPercent);
  if (!(holdout >= 0 && holdout <= MAX_HOLDOUT_PERCENT)) {
    errors.holdoutPercent = `A whole number from 0 to ${MAX_HOLDOUT_PERCENT}.`;
  }
  if (values.variants.length > MAX_VARIANTS) errors.variants = `At most ${MAX_VARIANTS} variants.`;
  if (values.variants.length) {
    const test = whole(values.testPercent);
    if (!(test >= 1 && test <= MAX_TEST_PERCENT)) {
      errors.testPercent = `Variants need a test group: a whole number from 1 to ${MAX_TEST_PERCENT}.`;
    }
    const hours = whole(values.winnerAfterHours);
    if (!(hours >= 1 && hours <= MAX_WINNER_AFTER_HOURS)) {
      errors.winnerAfterHours = `A whole number of hours from 1 to ${MAX_WINNER_AFTER_HOURS}.`;
    }
    values.variants.forEach((variant, index) => {
      if (!variant.subject.trim() && !variant.body.trim()) {
        errors[`variants.${index}.subject`] = "Change the subject or the body, or remove the variant.";
      } else if (variant.subject.trim().length > MAX_SUBJECT) {
        errors[`variants.${index}.subject`] = `At most ${MAX_SUBJECT} characters.`;
      }
    });
  }
  if (values.offerEnabled) {
    const { offer } = values;
    if (!AMOUNT.test(offer.value.trim()) || Number(offer.value) <= 0) {
      errors["offer.value"] = "An amount above 0, at most 3 decimals.";
    } else if (offer.discountType === "PERCENTAGE" && Number(offer.value) > 100) {
      errors["offer.value"] = "At most 100%.";
    }
    const days = whole(offer.validDays);
    if (!(days >= 1 && days <= MAX_VALID_DAYS)) errors["offer.validDays"] = `From 1 to ${MAX_VALID_DAYS} days.`;
    if (!offer.channel.trim()) errors["offer.channel"] = "Name the channel the offer is valid in.";
    if (offer.minimumSpent.trim() && !AMOUNT.test(offer.minimumSpent.trim())) {
      errors["offer.minimumSpent"] = "An amount, such as 50.";
    }
  }
  return errors;
}

/** Fields the editor shows an error beside; anything else goes to the whole form. */
export function isFormField(field: string, values: CampaignValues): boolean {
  if (
    [
      "name",
      "segment",
      "subject",
      "body",
      "fromEmail",
      "holdoutPercent",
      "testPercent",
      "variants",
      "winnerMetric",
      "winnerAfterHours",
    ].includes(field)
  ) {
    return true;
  }
  if (values.offerEnabled && /^offer\.(discountType|value|validDays|channel|minimumSpent)$/.test(field)) return true;
  const variant = /^variants\.(\d+)\.(subject|body)$/.exec(field);
  return Boolean(variant && Number(variant[1]) < values.variants.length);
}

/** A mutation's errors by field; `form` for those the editor has no place for. */
export function campaignFieldErrors(errors: ReadonlyArray<MarketingError>, values: CampaignValues): CampaignErrors {
  const result: CampaignErrors = {};
  for (const error of errors) {
    const message = error.message || "This value is not valid.";
    const field = error.field && isFormField(error.field, values) ? error.field : error.field === "offer" && values.offerEnabled ? "offer.value" : "form";
    result[field] = result[field] ? `${result[field]} ${message}` : message;
  }
  return result;
}

/** `datetime-local` text ("2026-05-01T09:30", the browser's zone) → ISO with zone; undefined if not a time. */
export function scheduleToIso(local: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local)) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Why a schedule time is refused, before asking the server; undefined when fine. */
export function checkSchedule(local: string, now: Date = new Date()): string | undefined {
  const iso = scheduleToIso(local);
  if (!iso) return "Choose a date and time.";
  const at = new Date(iso).getTime();
  if (at <= now.getTime()) return "That time has passed; send now instead.";
  if (at > now.getTime() + MAX_SCHEDULE_DAYS * 86_400_000) return `At most ${MAX_SCHEDULE_DAYS} days ahead.`;
  return undefined;
}
