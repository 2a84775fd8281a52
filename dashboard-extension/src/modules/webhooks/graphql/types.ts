/**
 * Types of the CRM schema's outbound webhooks (`CrmWebhook`,
 * `CrmWebhookDelivery`) as the operations in this folder select them.
 * documents.test.ts checks the operations against graphql/schema.graphql.
 */
import type { PageInfo } from "../../customers/graphql/types";

export type WebhookEventType =
  | "PROFILE_CREATED"
  | "PROFILE_STAGE_CHANGED"
  | "PROFILE_ERASED"
  | "SEGMENT_ENTERED"
  | "SEGMENT_LEFT"
  | "CONSENT_CHANGED"
  | "TICKET_CREATED"
  | "TICKET_SOLVED"
  | "TICKET_RATED"
  | "CAMPAIGN_SENT";

export type WebhookDeliveryStatus = "PENDING" | "SENDING" | "SUCCEEDED" | "FAILED";

export type WebhookErrorCode =
  | "GRAPHQL_ERROR"
  | "INVALID"
  | "NOT_FOUND"
  | "REQUIRED"
  | "INVALID_URL"
  | "FORBIDDEN_DESTINATION"
  | "INVALID_EVENT_TYPE"
  | "NOT_FAILED";

export interface WebhookError {
  field: string | null;
  code: WebhookErrorCode;
  message: string | null;
}

export interface CrmWebhook {
  id: string;
  name: string;
  url: string;
  eventTypes: WebhookEventType[];
  isActive: boolean;
  hasSecret: boolean;
  consecutiveFailures: number;
  disabledAt: string | null;
  disabledReason: string;
  createdAt: string;
  updatedAt: string;
}

export interface CrmWebhookDelivery {
  id: string;
  eventId: string;
  eventType: WebhookEventType;
  occurredAt: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  responseCode: number | null;
  lastError: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export interface CrmWebhooksData {
  crmWebhooks: {
    totalCount: number | null;
    pageInfo: Pick<PageInfo, "hasNextPage" | "endCursor">;
    edges: { node: CrmWebhook }[];
  } | null;
}

export interface CrmWebhookDetailsData {
  crmWebhook: CrmWebhook | null;
}

export interface CrmWebhookDeliveriesData {
  crmWebhookDeliveries: {
    totalCount: number | null;
    pageInfo: PageInfo;
    edges: { node: CrmWebhookDelivery }[];
  } | null;
}

export interface CrmWebhookCreateInput {
  url: string;
  eventTypes: WebhookEventType[];
  name?: string;
  isActive?: boolean;
  secret?: string;
}

export interface CrmWebhookUpdateInput {
  url?: string;
  eventTypes?: WebhookEventType[];
  name?: string;
  isActive?: boolean;
  secret?: string;
}

export interface CrmWebhookCreateData {
  crmWebhookCreate: {
    webhook: CrmWebhook | null;
    /** The generated signing secret: in this answer only. */
    secret: string | null;
    errors: WebhookError[];
  } | null;
}

export interface CrmWebhookUpdateData {
  crmWebhookUpdate: { webhook: CrmWebhook | null; errors: WebhookError[] } | null;
}

export interface CrmWebhookDeleteData {
  crmWebhookDelete: { deletedId: string | null; errors: WebhookError[] } | null;
}

export interface CrmWebhookDeliveryReplayData {
  crmWebhookDeliveryReplay: { replayed: number | null; errors: WebhookError[] } | null;
}
