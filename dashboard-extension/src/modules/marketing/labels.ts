import type { Tone } from "../customers/labels";
import type { CampaignStatus, MarketingConsentStatus, MarketingSuppressionReason } from "./graphql/types";

export const CAMPAIGN_STATUSES: Readonly<Record<CampaignStatus, { label: string; tone: Tone }>> = {
  DRAFT: { label: "Draft", tone: "default" },
  SCHEDULED: { label: "Scheduled", tone: "info1" },
  TESTING: { label: "A/B testing", tone: "accent1" },
  SENDING: { label: "Sending", tone: "accent1" },
  SENT: { label: "Sent", tone: "success1" },
  CANCELLED: { label: "Cancelled", tone: "critical1" },
};

export const CONSENT_LABELS: Readonly<Record<MarketingConsentStatus, { label: string; tone: Tone }>> = {
  SUBSCRIBED: { label: "Subscribed", tone: "success1" },
  UNSUBSCRIBED: { label: "Unsubscribed", tone: "critical1" },
  NEVER_SUBSCRIBED: { label: "Never subscribed", tone: "default" },
  PENDING: { label: "Pending confirmation", tone: "warning1" },
};

export const SUPPRESSION_LABELS: Readonly<Record<MarketingSuppressionReason, string>> = {
  HARD_BOUNCE: "a hard bounce",
  COMPLAINT: "a spam complaint",
  MANUAL: "staff",
  ERASED: "erasure",
};

/** Where a consent came from, in words: "newsletter_form" → "newsletter form". */
export function consentSourceLabel(source: string): string {
  return source.replace(/_/g, " ").trim();
}

/** Campaigns staff may still edit (the backend refuses others with NOT_EDITABLE). */
export function isEditable(status: CampaignStatus): boolean {
  return status === "DRAFT" || status === "SCHEDULED";
}
