/**
 * Types of the CRM's help desk schema (graphql/schema.graphql at the
 * repository root) as the operations in this folder select them.
 * documents.test.ts checks the operations against that schema.
 */
import type { Money } from "../../core/format";
import type { LifecycleStage, OrderStatus, PageInfo, SortDirection } from "../../customers/graphql/types";

export type TicketStatus = "NEW" | "OPEN" | "PENDING" | "ON_HOLD" | "SOLVED" | "CLOSED";
export type TicketPriority = "LOW" | "NORMAL" | "HIGH" | "URGENT";
export type InteractionChannel =
  | "EMAIL"
  | "CHAT"
  | "SOCIAL"
  | "PHONE"
  | "SMS"
  | "IN_STORE"
  | "WEB_FORM"
  | "OTHER";
export type InteractionDirection = "INBOUND" | "OUTBOUND";
export type TicketMessageKind = "REPLY" | "NOTE";
export type TicketAuthorKind = "STAFF" | "CUSTOMER" | "SYSTEM";
export type TicketSortField = "CREATED_AT" | "UPDATED_AT" | "NUMBER" | "RESOLUTION_DUE_AT";
export type StatsPeriod = "DAY" | "WEEK" | "MONTH";

export interface TicketSortingInput {
  field: TicketSortField;
  direction: SortDirection;
}

export interface TicketFilterInput {
  search?: string;
  statuses?: TicketStatus[];
  priorities?: TicketPriority[];
  channels?: InteractionChannel[];
  assignee?: string;
  unassigned?: boolean;
  customer?: string;
  order?: string;
  tags?: string[];
  breached?: boolean;
  dueSoon?: boolean;
}

export interface TicketCustomer {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  isGuest: boolean;
  isErased: boolean;
  user: string | null;
  lifecycleStage: LifecycleStage;
  ordersCount: number;
  totalSpent: Money;
}

export interface TicketSummary {
  id: string;
  number: number;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  channel: InteractionChannel;
  /** Saleor User ID of the staff member assigned. */
  assignee: string | null;
  /** Saleor Order ID. */
  order: string | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  firstResponseAt: string | null;
  firstResponseDueAt: string | null;
  resolutionDueAt: string | null;
  isBreached: boolean;
  solvedAt: string | null;
  closedAt: string | null;
  /** Opened by an email that answered `senderRepliedTo` from neither its requester nor a participant. */
  fromUnknownSender: boolean;
  /** The ticket that email answered (it was not posted there). */
  senderRepliedTo: string | null;
  /** Where replies go. */
  requesterEmail: string;
  /** The requester proved they own requesterEmail (confirmed account, staff-opened, or the emailed link used). */
  isVerified: boolean;
  verifiedAt: string | null;
  /** Null while the ticket is unverified: it is nobody's profile's yet. */
  customer: TicketCustomer | null;
}

export interface TicketSatisfaction {
  rating: number;
  comment: string;
  ratedAt: string;
}

export interface TicketDetailsFields extends TicketSummary {
  firstResponseBreachedAt: string | null;
  resolutionBreachedAt: string | null;
  mergedInto: string | null;
  satisfaction: TicketSatisfaction | null;
}

export interface TicketMessage {
  id: string;
  kind: TicketMessageKind;
  authorKind: TicketAuthorKind;
  author: string | null;
  authorName: string;
  /** Sanitised HTML. */
  body: string;
  via: InteractionChannel;
  createdAt: string;
  emailedAt: string | null;
}

export interface TicketOrder {
  id: string;
  number: string;
  placedAt: string;
  status: OrderStatus;
  /** Channel slug. */
  channel: string;
  total: Money;
}

export type OfferDiscountType = "PERCENTAGE" | "FIXED";

/** A goodwill voucher issued from the ticket (standalone: a local code, redeemable in no shop). */
export interface TicketVoucher {
  id: string;
  code: string;
  expiresAt: string;
  discountType: OfferDiscountType;
  /** Decimal string: percent off, or the amount off in `currency`. */
  value: string;
  currency: string | null;
  channel: string;
  minimumSpent: string | null;
  note: string;
  issuedByName: string;
  createdAt: string;
}

export type TicketRefundStatus = "REQUESTED" | "STARTED" | "FAILED";

export interface TicketRefundStoreError {
  field: string | null;
  code: string;
  message: string | null;
}

/** A refund of the ticket's order asked of Saleor from the ticket. */
export interface TicketRefund {
  id: string;
  amount: Money;
  reason: string;
  /** The store's refund reason given (Saleor 3.22+), when one was. */
  reasonTitle?: string | null;
  status: TicketRefundStatus;
  /** Saleor's: success, pending or failure; null until started. */
  storeStatus: string | null;
  storeErrors: TicketRefundStoreError[];
  kind: string | null;
  requestedByName: string;
  createdAt: string;
}

export interface TicketVoucherInput {
  discountType: OfferDiscountType;
  value: string;
  validDays: number;
  channel: string;
  minimumSpent?: string;
  note?: string;
}

export interface TicketIssueVoucherData {
  ticketIssueVoucher: {
    voucher: TicketVoucher | null;
    ticket: { id: string; updatedAt: string } | null;
    errors: MutationError[];
  } | null;
}

export interface TicketRefundInput {
  amount: string;
  reason?: string;
  reasonReference?: string;
  idempotencyKey?: string;
}

export interface TicketRefundReasonsData {
  ticketRefundReasons: {
    required: boolean;
    reasons: { id: string; title: string }[];
  };
}

export interface TicketRefundOrderData {
  ticketRefundOrder: {
    refund: TicketRefund | null;
    ticket: { id: string; updatedAt: string } | null;
    errors: MutationError[];
  } | null;
}

export interface TicketDetails extends TicketDetailsFields {
  customer:
    | (TicketCustomer & {
        satisfactionAverage: number | null;
        satisfactionCount: number;
        orders: { edges: Array<{ node: TicketOrder }> };
      })
    | null;
  vouchers: TicketVoucher[];
  /** Null for staff without MANAGE_ORDERS. */
  refunds: TicketRefund[] | null;
  messages: {
    totalCount: number | null;
    pageInfo: { hasPreviousPage: boolean };
    edges: Array<{ node: TicketMessage }>;
  };
}

export interface TicketConnection {
  totalCount: number | null;
  pageInfo: PageInfo;
  edges: Array<{ cursor: string; node: TicketSummary }>;
}

export interface TicketListData {
  tickets: TicketConnection | null;
}

export interface TicketListVariables {
  first?: number;
  after?: string | null;
  last?: number;
  before?: string | null;
  filter?: TicketFilterInput;
  sortBy?: TicketSortingInput;
}

export interface TicketDetailsData {
  ticket: TicketDetails | null;
}

export type TicketErrorCode =
  | "INVALID"
  | "NOT_FOUND"
  | "REQUIRED"
  | "CLOSED"
  | "EXPIRED"
  | "ERASED"
  | "THROTTLED"
  | "UNAVAILABLE"
  | "CANNOT_REFUND"
  | "PERMISSION_DENIED"
  | "IN_PROGRESS"
  | "CONFLICT";

export interface MutationError {
  field: string | null;
  code: TicketErrorCode | "GRAPHQL_ERROR";
  message: string | null;
}

export interface TicketReplyData {
  ticketReply: {
    ticket: TicketDetailsFields | null;
    message: TicketMessage | null;
    errors: MutationError[];
  } | null;
}

export interface TicketReplyVariables {
  id: string;
  input: { body: string; status?: TicketStatus };
}

export interface TicketAddNoteData {
  ticketAddNote: {
    ticket: TicketDetailsFields | null;
    message: TicketMessage | null;
    errors: MutationError[];
  } | null;
}

export interface TicketUpdateData {
  ticketUpdate: { ticket: TicketDetailsFields | null; errors: MutationError[] } | null;
}

export interface TicketUpdateVariables {
  id: string;
  input: { subject?: string; status?: TicketStatus; priority?: TicketPriority; tags?: string[] };
}

export interface TicketAssignData {
  ticketAssign: {
    ticket: { id: string; assignee: string | null; updatedAt: string } | null;
    errors: MutationError[];
  } | null;
}

export interface TicketLinkOrderData {
  ticketLinkOrder: {
    ticket: { id: string; order: string | null; updatedAt: string } | null;
    errors: MutationError[];
  } | null;
}

export interface TicketCreateInput {
  customerEmail: string;
  subject: string;
  body: string;
  channel?: InteractionChannel;
  priority?: TicketPriority;
  order?: string;
  tags?: string[];
}

export interface TicketCreateData {
  ticketCreate: { ticket: TicketSummary | null; errors: MutationError[] } | null;
}

export interface InteractionCreateInput {
  customerEmail: string;
  channel: InteractionChannel;
  direction: InteractionDirection;
  subject?: string;
  body?: string;
  occurredAt?: string;
  order?: string;
}

export interface InteractionCreateData {
  interactionCreate: {
    interaction: {
      id: string;
      channel: InteractionChannel;
      direction: InteractionDirection;
      subject: string;
      occurredAt: string;
    } | null;
    created: boolean | null;
    errors: MutationError[];
  } | null;
}

export interface OrderTicketsData {
  tickets: TicketConnection | null;
}

export interface CustomerTicketsData {
  customerProfile: {
    id: string;
    satisfactionAverage: number | null;
    satisfactionCount: number;
    tickets: TicketConnection;
  } | null;
}

export interface TicketStatusCount {
  status: TicketStatus;
  count: number;
}

export interface TicketVolumePoint {
  periodStart: string;
  opened: number;
  solved: number;
}

export interface SlaAttainmentPoint {
  periodStart: string;
  solved: number;
  withinTarget: number;
  /** withinTarget / solved; null when nothing was solved. */
  rate: number | null;
}

export interface CrmTicketStats {
  openCount: number;
  breachedCount: number;
  byStatus: TicketStatusCount[];
  volume: TicketVolumePoint[];
  slaAttainment: SlaAttainmentPoint[];
}

export interface CrmTicketStatsData {
  crmTicketStats: CrmTicketStats;
}

export interface CrmTicketCountsData {
  crmTicketStats: Pick<CrmTicketStats, "openCount" | "breachedCount">;
}

/** Saleor's `User`, as staffUsers lists it. */
export interface StaffUser {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
}

export interface StaffUsersData {
  staffUsers: { edges: Array<{ node: StaffUser }> } | null;
}
