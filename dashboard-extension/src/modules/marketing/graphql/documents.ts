import { documentFactory } from "../../core/graphql-documents";
import campaignCancel from "./campaign-cancel.graphql?raw";
import campaignCreate from "./campaign-create.graphql?raw";
import campaignDelete from "./campaign-delete.graphql?raw";
import campaignDetails from "./campaign-details.graphql?raw";
import campaignList from "./campaign-list.graphql?raw";
import campaignPreview from "./campaign-preview.graphql?raw";
import campaignSend from "./campaign-send.graphql?raw";
import campaignUpdate from "./campaign-update.graphql?raw";
import fragmentsSource from "./fragments.graphql?raw";
import consent from "./marketing-consent.graphql?raw";
import consentUpdate from "./marketing-consent-update.graphql?raw";
import segmentCreate from "./segment-create.graphql?raw";
import segmentDelete from "./segment-delete.graphql?raw";
import segmentDetails from "./segment-details.graphql?raw";
import segmentList from "./segment-list.graphql?raw";
import segmentPreview from "./segment-preview.graphql?raw";
import segmentUpdate from "./segment-update.graphql?raw";
import type {
  CampaignCancelData,
  CampaignCreateData,
  CampaignDeleteData,
  CampaignInput,
  CampaignPreviewData,
  CampaignSendData,
  CampaignStatus,
  CampaignUpdateData,
  CustomerMarketingConsentData,
  MarketingCampaignDetailsData,
  MarketingCampaignsData,
  MarketingConsentStatus,
  MarketingConsentUpdateData,
  MarketingSegmentDetailsData,
  MarketingSegmentsData,
  SegmentCreateData,
  SegmentDeleteData,
  SegmentInput,
  SegmentPreviewData,
  SegmentRulesInput,
  SegmentUpdateData,
} from "./types";

export const { fragmentsFor, operation } = documentFactory(fragmentsSource);

type Page = { first?: number; after?: string | null };

export const MarketingSegments = operation<MarketingSegmentsData, Page & { search?: string }>(segmentList);
export const MarketingSegmentDetails = operation<MarketingSegmentDetailsData, Page & { id: string }>(segmentDetails);
export const MarketingSegmentPreview = operation<SegmentPreviewData, { rules: SegmentRulesInput }>(segmentPreview);
export const MarketingSegmentCreate = operation<SegmentCreateData, { input: SegmentInput }>(segmentCreate);
export const MarketingSegmentUpdate = operation<SegmentUpdateData, { id: string; input: SegmentInput }>(segmentUpdate);
export const MarketingSegmentDelete = operation<SegmentDeleteData, { id: string }>(segmentDelete);

export const MarketingCampaigns = operation<
  MarketingCampaignsData,
  Page & { filter?: { status?: CampaignStatus[]; search?: string } }
>(campaignList);
export const MarketingCampaignDetails = operation<MarketingCampaignDetailsData, { id: string }>(campaignDetails);
export const MarketingCampaignCreate = operation<CampaignCreateData, { input: CampaignInput }>(campaignCreate);
export const MarketingCampaignUpdate = operation<CampaignUpdateData, { id: string; input: CampaignInput }>(
  campaignUpdate,
);
export const MarketingCampaignDelete = operation<CampaignDeleteData, { id: string }>(campaignDelete);
export const MarketingCampaignSend = operation<CampaignSendData, { id: string; scheduledAt?: string | null }>(
  campaignSend,
);
export const MarketingCampaignCancel = operation<CampaignCancelData, { id: string }>(campaignCancel);
export const MarketingCampaignPreview = operation<
  CampaignPreviewData,
  { id?: string; input?: CampaignInput; customer?: string; variant?: number }
>(campaignPreview);

export const CustomerMarketingConsent = operation<CustomerMarketingConsentData, { id: string }>(consent);
export const MarketingConsentUpdate = operation<
  MarketingConsentUpdateData,
  { email: string; status: MarketingConsentStatus; source?: string }
>(consentUpdate);

export const allDocuments = {
  MarketingSegments,
  MarketingSegmentDetails,
  MarketingSegmentPreview,
  MarketingSegmentCreate,
  MarketingSegmentUpdate,
  MarketingSegmentDelete,
  MarketingCampaigns,
  MarketingCampaignDetails,
  MarketingCampaignCreate,
  MarketingCampaignUpdate,
  MarketingCampaignDelete,
  MarketingCampaignSend,
  MarketingCampaignCancel,
  MarketingCampaignPreview,
  CustomerMarketingConsent,
  MarketingConsentUpdate,
};
