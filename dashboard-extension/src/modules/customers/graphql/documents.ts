import { documentFactory } from "../../core/graphql-documents";
import atRiskCustomers from "./at-risk-customers.graphql?raw";
import crmCustomerStats from "./crm-customer-stats.graphql?raw";
import byOrder from "./customer-profile-by-order.graphql?raw";
import byUser from "./customer-profile-by-user.graphql?raw";
import details from "./customer-profile-details.graphql?raw";
import list from "./customer-profile-list.graphql?raw";
import orders from "./customer-profile-orders.graphql?raw";
import timeline from "./customer-profile-timeline.graphql?raw";
import update from "./customer-profile-update.graphql?raw";
import fragmentsSource from "./fragments.graphql?raw";
import type {
  AtRiskCustomersData,
  CrmCustomerStatsData,
  CustomerProfileDetailsData,
  CustomerProfileListData,
  CustomerProfileListVariables,
  CustomerProfileOrdersData,
  CustomerProfileSnapshotData,
  CustomerProfileTimelineData,
  CustomerProfileUpdateData,
  CustomerProfileUpdateVariables,
  TimelineEventType,
} from "./types";

export const { fragmentsFor, operation } = documentFactory(fragmentsSource);

export const CustomerProfileList = operation<CustomerProfileListData, CustomerProfileListVariables>(
  list,
);
export const CustomerProfileDetails = operation<CustomerProfileDetailsData, { id: string }>(details);
export const CustomerProfileTimeline = operation<
  CustomerProfileTimelineData,
  { id: string; after?: string | null; types?: TimelineEventType[] }
>(timeline);
export const CustomerProfileOrders = operation<
  CustomerProfileOrdersData,
  { id: string; after?: string | null }
>(orders);
export const CustomerProfileUpdate = operation<
  CustomerProfileUpdateData,
  CustomerProfileUpdateVariables
>(update);
export const CustomerProfileByUser = operation<CustomerProfileSnapshotData, { userId: string }>(
  byUser,
);
export const CustomerProfileByOrder = operation<CustomerProfileSnapshotData, { orderId: string }>(
  byOrder,
);
export const CrmCustomerStats = operation<CrmCustomerStatsData, Record<string, never>>(
  crmCustomerStats,
);
/** Sorting by spend needs MANAGE_ORDERS in every channel; by orders count, MANAGE_USERS only. */
export type AtRiskSort = { field: "TOTAL_SPENT" | "ORDERS_COUNT"; direction: "DESC" };
export const AtRiskCustomers = operation<AtRiskCustomersData, { first: number; sortBy: AtRiskSort }>(atRiskCustomers);

export const allDocuments = {
  CustomerProfileList,
  CustomerProfileDetails,
  CustomerProfileTimeline,
  CustomerProfileOrders,
  CustomerProfileUpdate,
  CustomerProfileByUser,
  CustomerProfileByOrder,
  CrmCustomerStats,
  AtRiskCustomers,
};
