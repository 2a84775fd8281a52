/**
 * Types of the CRM schema (graphql/schema.graphql at the repository root) as
 * the operations in this folder select them. documents.test.ts checks the
 * operations against that schema.
 */
import type { Money } from "../../core/format";

export type LifecycleStage = "PROSPECT" | "NEW" | "ACTIVE" | "LOYAL" | "AT_RISK" | "LAPSED";

export type RfmSegment =
  | "CHAMPIONS"
  | "LOYAL"
  | "POTENTIAL_LOYALIST"
  | "NEW_CUSTOMERS"
  | "PROMISING"
  | "NEED_ATTENTION"
  | "ABOUT_TO_SLEEP"
  | "AT_RISK"
  | "CANNOT_LOSE"
  | "HIBERNATING";

/** Saleor's OrderStatus (the CRM's OrderStatusEnum). */
export type OrderStatus =
  | "DRAFT"
  | "UNCONFIRMED"
  | "UNFULFILLED"
  | "PARTIALLY_FULFILLED"
  | "PARTIALLY_RETURNED"
  | "RETURNED"
  | "FULFILLED"
  | "CANCELED"
  | "EXPIRED";

/** Saleor's OrderChargeStatus (the CRM's CrmOrderChargeStatusEnum). */
export type OrderChargeStatus = "NONE" | "PARTIAL" | "FULL" | "OVERCHARGED";

export type TimelineEventType =
  | "ORDER_PLACED"
  | "ORDER_PAID"
  | "ORDER_FULFILLED"
  | "ORDER_CANCELLED"
  | "ORDER_REFUNDED"
  | "ORDER_FULLY_REFUNDED"
  | "CHECKOUT_STARTED"
  | "CHECKOUT_ABANDONED"
  | "ACCOUNT_CREATED"
  | "ACCOUNT_UPDATED"
  | "ACCOUNT_DELETED"
  | "STAGE_CHANGED"
  | "PROFILES_MERGED"
  | "INTERACTION"
  | "TICKET_OPENED"
  | "TICKET_SOLVED"
  | "TICKET_SLA_BREACHED"
  | "TICKET_RATED"
  | "VOUCHER_ISSUED"
  | "REFUND_STARTED";

export type SortField = "LAST_ORDER_AT" | "TOTAL_SPENT" | "ORDERS_COUNT" | "FIRST_SEEN_AT" | "EMAIL";
export type SortDirection = "ASC" | "DESC";

export interface SortingInput {
  field: SortField;
  direction: SortDirection;
}

export interface Range<T> {
  gte?: T;
  lte?: T;
}

export interface CustomerProfileFilterInput {
  search?: string;
  lifecycleStages?: LifecycleStage[];
  rfmSegments?: RfmSegment[];
  countries?: string[];
  tags?: string[];
  isGuest?: boolean;
  ordersCount?: Range<number>;
  totalSpent?: Range<number>;
  lastOrderAt?: Range<string>;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Rfm {
  recency: number | null;
  frequency: number | null;
  monetary: number | null;
  segment: RfmSegment | null;
}

export interface Favourite {
  id: string;
  name: string;
  quantity: number;
}

export interface CustomerProfileSummary {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  isGuest: boolean;
  isErased: boolean;
  user: string | null;
  country: string;
  /**
   * The order figures need MANAGE_ORDERS: null (with a PermissionDenied
   * error at the field) for staff without it; counted in their channels
   * for staff restricted to some.
   */
  ordersCount: number | null;
  totalSpent: Money | null;
  /** Spend in currencies without an exchange rate, left out of totalSpent. */
  unconvertedSpend: Money[] | null;
  lastOrderAt: string | null;
  lifecycleStage: LifecycleStage;
  rfm: Rfm;
  tags: string[];
}

export interface CustomerProfileSnapshot extends CustomerProfileSummary {
  firstOrderAt: string | null;
  averageOrderValue: Money | null;
  favouriteProducts: Favourite[] | null;
  note: string;
}

export interface TimelineEvent {
  id: string;
  type: TimelineEventType;
  occurredAt: string;
  objectType: string | null;
  objectId: string | null;
  data: Record<string, unknown> | null;
}

export interface Connection<TNode> {
  totalCount: number | null;
  pageInfo: Pick<PageInfo, "hasNextPage" | "endCursor">;
  edges: Array<{ node: TNode }>;
}

export interface CustomerOrder {
  id: string;
  number: string;
  placedAt: string;
  status: OrderStatus;
  /** Null when the store did not report one. */
  chargeStatus: OrderChargeStatus | null;
  channel: string;
  total: Money;
  totalRefunded: Money;
  isSale: boolean;
}

export interface CurrencySpend {
  currency: string;
  ordersCount: number;
  totalSpent: Money;
  averageOrderValue: Money;
}

export interface CustomerProfileDetails extends CustomerProfileSnapshot {
  languageCode: string;
  city: string;
  firstSeenAt: string;
  accountCreatedAt: string | null;
  lastCheckoutAt: string | null;
  spendByCurrency: CurrencySpend[] | null;
  channels: string[] | null;
  favouriteCategories: Favourite[] | null;
  lifecycleStageChangedAt: string | null;
  orders: Connection<CustomerOrder> | null;
}

export interface CustomerProfileListData {
  customerProfiles: {
    totalCount: number | null;
    pageInfo: PageInfo;
    edges: Array<{ cursor: string; node: CustomerProfileSummary }>;
  } | null;
}

export interface CustomerProfileListVariables {
  first?: number;
  after?: string | null;
  last?: number;
  before?: string | null;
  filter?: CustomerProfileFilterInput;
  sortBy?: SortingInput;
}

export interface CustomerProfileDetailsData {
  customerProfile: CustomerProfileDetails | null;
}

export interface CustomerProfileTimelineData {
  customerProfile: { id: string; timeline: Connection<TimelineEvent> } | null;
}

export interface CustomerProfileOrdersData {
  customerProfile: { id: string; orders: Connection<CustomerOrder> | null } | null;
}

export interface ProfileError {
  field: string | null;
  code: "GRAPHQL_ERROR" | "INVALID" | "NOT_FOUND" | "REQUIRED";
  message: string | null;
}

export interface CustomerProfileUpdateData {
  customerProfileUpdate: {
    profile: { id: string; tags: string[]; note: string } | null;
    errors: ProfileError[];
  } | null;
}

export interface CustomerProfileUpdateVariables {
  id: string;
  input: { tags?: string[]; note?: string };
}

export interface CustomerProfileSnapshotData {
  customerProfile: CustomerProfileSnapshot | null;
}

export interface RfmGridCell {
  recency: number;
  fm: number;
  count: number;
}

export interface CrmCustomerStats {
  totalCount: number;
  byLifecycleStage: Array<{ stage: LifecycleStage; count: number }>;
  rfmGrid: RfmGridCell[];
  /** Null without MANAGE_ORDERS. */
  newVsReturning: Array<{ periodStart: string; new: number; returning: number }> | null;
}

export interface CrmCustomerStatsData {
  crmCustomerStats: CrmCustomerStats;
}

export interface AtRiskCustomersData {
  customerProfiles: {
    totalCount: number | null;
    edges: Array<{ node: CustomerProfileSummary }>;
  } | null;
}
