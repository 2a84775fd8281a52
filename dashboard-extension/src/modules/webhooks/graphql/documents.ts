import { documentFactory } from "../../core/graphql-documents";
import fragmentsSource from "./fragments.graphql?raw";
import webhookCreate from "./webhook-create.graphql?raw";
import webhookDelete from "./webhook-delete.graphql?raw";
import webhookDeliveries from "./webhook-deliveries.graphql?raw";
import webhookDeliveryReplay from "./webhook-delivery-replay.graphql?raw";
import webhookDetails from "./webhook-details.graphql?raw";
import webhookList from "./webhook-list.graphql?raw";
import webhookUpdate from "./webhook-update.graphql?raw";
import type {
  CrmWebhookCreateData,
  CrmWebhookCreateInput,
  CrmWebhookDeleteData,
  CrmWebhookDeliveriesData,
  CrmWebhookDeliveryReplayData,
  CrmWebhookDetailsData,
  CrmWebhooksData,
  CrmWebhookUpdateData,
  CrmWebhookUpdateInput,
  WebhookDeliveryStatus,
} from "./types";

export const { fragmentsFor, operation } = documentFactory(fragmentsSource);

type Page = { first?: number; after?: string | null; last?: number; before?: string | null };

export const CrmWebhooks = operation<CrmWebhooksData, { first?: number; after?: string | null }>(webhookList);
export const CrmWebhookDetails = operation<CrmWebhookDetailsData, { id: string }>(webhookDetails);
export const CrmWebhookDeliveries = operation<
  CrmWebhookDeliveriesData,
  Page & { webhook: string; status?: WebhookDeliveryStatus | null }
>(webhookDeliveries);
export const CrmWebhookCreate = operation<CrmWebhookCreateData, { input: CrmWebhookCreateInput }>(webhookCreate);
export const CrmWebhookUpdate = operation<CrmWebhookUpdateData, { id: string; input: CrmWebhookUpdateInput }>(
  webhookUpdate,
);
export const CrmWebhookDelete = operation<CrmWebhookDeleteData, { id: string }>(webhookDelete);
export const CrmWebhookDeliveryReplay = operation<
  CrmWebhookDeliveryReplayData,
  { ids: string[]; webhook?: never } | { webhook: string; ids?: never }
>(webhookDeliveryReplay);

export const allDocuments = {
  CrmWebhooks,
  CrmWebhookDetails,
  CrmWebhookDeliveries,
  CrmWebhookCreate,
  CrmWebhookUpdate,
  CrmWebhookDelete,
  CrmWebhookDeliveryReplay,
};
