/**
 * Types of the CRM schema's marketing part (segments, campaigns, consent) as
 * the operations in this folder select them. documents.test.ts checks the
 * operations against graphql/schema.graphql.
 */
import type { LifecycleStage } from "../../customers/graphql/types";

export type SegmentField =
  | "TAG"
  | "LIFECYCLE_STAGE"
  | "RFM_SEGMENT"
  | "RFM_RECENCY"
  | "RFM_FREQUENCY"
  | "RFM_MONETARY"
  | "ORDERS_COUNT"
  | "TOTAL_SPENT"
  | "AVERAGE_ORDER_VALUE"
  | "FIRST_ORDER_AT"
  | "LAST_ORDER_AT"
  | "COUNTRY"
  | "CITY"
  | "LANGUAGE"
  | "CHANNEL"
  | "BOUGHT_PRODUCT"
  | "BOUGHT_CATEGORY"
  | "IS_REGISTERED"
  | "OPEN_TICKETS"
  | "SATISFACTION"
  | "EMAIL_CONSENT";

export type SegmentOperator =
  | "EQ"
  | "NEQ"
  | "IN"
  | "NOT_IN"
  | "GT"
  | "GTE"
  | "LT"
  | "LTE"
  | "BETWEEN"
  | "CONTAINS"
  | "IS_SET"
  | "IS_NOT_SET"
  | "WITHIN_LAST_DAYS"
  | "BEFORE_LAST_DAYS";

export type SegmentMatch = "ALL" | "ANY";

export interface SegmentCondition {
  field: SegmentField;
  operator: SegmentOperator;
  value: string | null;
  values: string[] | null;
}

export interface SegmentRules {
  match: SegmentMatch;
  conditions: SegmentCondition[];
  groups: SegmentRules[];
}

export interface SegmentConditionInput {
  field: SegmentField;
  operator: SegmentOperator;
  value?: string;
  values?: string[];
}

export interface SegmentRulesInput {
  match: SegmentMatch;
  conditions: SegmentConditionInput[];
  groups: SegmentRulesInput[];
}

export interface SegmentInput {
  name?: string;
  description?: string;
  rules?: SegmentRulesInput;
}

export type SegmentErrorCode =
  | "GRAPHQL_ERROR"
  | "INVALID"
  | "NOT_FOUND"
  | "REQUIRED"
  | "UNIQUE"
  | "INVALID_OPERATOR"
  | "INVALID_VALUE"
  | "TOO_COMPLEX";

export interface MarketingError<TCode extends string = string> {
  field: string | null;
  code: TCode;
  message: string | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface SegmentSummary {
  id: string;
  name: string;
  description: string;
  customerCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface SegmentMember {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  lifecycleStage: LifecycleStage;
  lastOrderAt: string | null;
}

export interface MarketingSegmentsData {
  segments: {
    totalCount: number | null;
    pageInfo: PageInfo;
    edges: { node: SegmentSummary }[];
  } | null;
}

export interface MarketingSegmentDetailsData {
  segment:
    | (SegmentSummary & {
        rules: SegmentRules;
        members: {
          totalCount: number | null;
          pageInfo: PageInfo;
          edges: { node: SegmentMember }[];
        } | null;
      })
    | null;
}

export interface SegmentPreviewData {
  segmentPreview: {
    count: number | null;
    sample: { id: string; email: string; firstName: string; lastName: string }[];
    errors: MarketingError<SegmentErrorCode>[];
  } | null;
}

type SegmentPayload = {
  segment: (SegmentSummary & { rules: SegmentRules }) | null;
  errors: MarketingError<SegmentErrorCode>[];
} | null;

export interface SegmentCreateData {
  segmentCreate: SegmentPayload;
}
export interface SegmentUpdateData {
  segmentUpdate: SegmentPayload;
}
export interface SegmentDeleteData {
  segmentDelete: { deletedId: string | null; errors: MarketingError<SegmentErrorCode>[] } | null;
}

// --- consent -------------------------------------------------------------------

export type MarketingConsentStatus = "SUBSCRIBED" | "UNSUBSCRIBED" | "NEVER_SUBSCRIBED" | "PENDING";
export type MarketingSuppressionReason = "HARD_BOUNCE" | "COMPLAINT" | "MANUAL" | "ERASED";

export interface MarketingConsent {
  status: MarketingConsentStatus;
  updatedAt: string | null;
  source: string;
  isSendable: boolean;
  /** Staff-only; null when the requestor may not see it. */
  suppressedAt: string | null;
  suppressionReason: MarketingSuppressionReason | null;
}

export interface CustomerMarketingConsentData {
  customerProfile: {
    id: string;
    email: string;
    isErased: boolean;
    marketingConsent: MarketingConsent | null;
  } | null;
}

export type ConsentErrorCode = "GRAPHQL_ERROR" | "INVALID" | "NOT_FOUND" | "REQUIRED" | "THROTTLED" | "INVALID_TOKEN";

export interface MarketingConsentUpdateData {
  marketingConsentUpdate: {
    consent: MarketingConsent | null;
    changed: boolean | null;
    errors: MarketingError<ConsentErrorCode>[];
  } | null;
}

// --- campaigns -------------------------------------------------------------------

export type CampaignStatus = "DRAFT" | "SCHEDULED" | "SENDING" | "TESTING" | "SENT" | "CANCELLED";
export type CampaignWinnerMetric = "OPEN_RATE" | "CLICK_RATE";
export type CampaignDiscountType = "PERCENTAGE" | "FIXED";
export type CampaignErrorCode =
  | "GRAPHQL_ERROR"
  | "INVALID"
  | "NOT_FOUND"
  | "REQUIRED"
  | "INVALID_TEMPLATE"
  | "UNKNOWN_VARIABLE"
  | "NOT_EDITABLE"
  | "INVALID_STATUS";

export interface CampaignStats {
  recipients: number;
  holdout: number;
  queued: number;
  sent: number;
  failed: number;
  skipped: number;
  opened: number;
  clicked: number;
  unsubscribed: number;
  bounced: number;
}

/** `CampaignRevenueFields`: null where the user may not see order figures. */
export interface CampaignRevenueStats {
  orders: number | null;
  revenue: { amount: number; currency: string } | null;
  /** In the revenue's currency, per mailed recipient (every order in the window after the send). */
  revenuePerRecipient: number | null;
  holdoutRevenuePerRecipient: number | null;
  lift: number | null;
  liftInterval: { low: number; high: number; confidence: number } | null;
}

export interface CampaignSummary {
  id: string;
  name: string;
  status: CampaignStatus;
  segment: { id: string; name: string; customerCount: number } | null;
  scheduledAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  stats: CampaignStats;
}

export interface CampaignOffer {
  discountType: CampaignDiscountType;
  /** Decimal, as a string or number. */
  value: string | number;
  validDays: number;
  channel: string;
  minimumSpent: string | number | null;
}

export interface CampaignVariantResult {
  position: number;
  sent: number;
  opened: number;
  clicked: number;
}

export interface CampaignDetails extends CampaignSummary {
  subject: string;
  body: string;
  fromEmail: string;
  offer: CampaignOffer | null;
  holdoutPercent: number;
  testPercent: number;
  variants: { position: number; subject: string; body: string }[];
  winnerMetric: CampaignWinnerMetric;
  winnerAfterHours: number;
  winnerPosition: number | null;
  variantResults: CampaignVariantResult[];
  updatedAt: string;
}

export interface CampaignOfferInput {
  discountType: CampaignDiscountType;
  value: string;
  validDays: number;
  channel: string;
  minimumSpent?: string | null;
}

export interface CampaignInput {
  name?: string;
  segment?: string;
  subject?: string;
  body?: string;
  fromEmail?: string;
  offer?: CampaignOfferInput | null;
  holdoutPercent?: number;
  variants?: { subject?: string; body?: string }[];
  testPercent?: number;
  winnerMetric?: CampaignWinnerMetric;
  winnerAfterHours?: number;
}

export interface MarketingCampaignsData {
  campaigns: {
    totalCount: number | null;
    pageInfo: PageInfo;
    edges: { node: CampaignSummary }[];
  } | null;
}

export type CampaignWithRevenue = CampaignDetails & { stats: CampaignStats & Partial<CampaignRevenueStats> };
export interface MarketingCampaignDetailsData {
  campaign: CampaignWithRevenue | null;
}

type CampaignPayload = { campaign: CampaignDetails | null; errors: MarketingError<CampaignErrorCode>[] } | null;
export interface CampaignCreateData {
  campaignCreate: CampaignPayload;
}
export interface CampaignUpdateData {
  campaignUpdate: CampaignPayload;
}
export interface CampaignSendData {
  campaignSend: CampaignPayload;
}
export interface CampaignCancelData {
  campaignCancel: CampaignPayload;
}
export interface CampaignDeleteData {
  campaignDelete: { deletedId: string | null; errors: MarketingError<CampaignErrorCode>[] } | null;
}

export interface CampaignPreviewData {
  campaignPreview: {
    subject: string | null;
    html: string | null;
    text: string | null;
    errors: MarketingError<CampaignErrorCode>[];
  } | null;
}
