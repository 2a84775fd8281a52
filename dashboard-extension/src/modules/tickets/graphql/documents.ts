import { documentFactory } from "../../core/graphql-documents";
import { typedDocument } from "../../core/graphql-client";
import crmTicketCounts from "./crm-ticket-counts.graphql?raw";
import crmTicketStats from "./crm-ticket-stats.graphql?raw";
import customerTickets from "./customer-tickets.graphql?raw";
import fragmentsSource from "./fragments.graphql?raw";
import interactionCreate from "./interaction-create.graphql?raw";
import orderTickets from "./order-tickets.graphql?raw";
import staffUsers from "./saleor-staff-users.graphql?raw";
import ticketAddNote from "./ticket-add-note.graphql?raw";
import ticketAssign from "./ticket-assign.graphql?raw";
import ticketCreate from "./ticket-create.graphql?raw";
import ticketDetails from "./ticket-details.graphql?raw";
import ticketIssueVoucher from "./ticket-issue-voucher.graphql?raw";
import ticketLinkOrder from "./ticket-link-order.graphql?raw";
import ticketList from "./ticket-list.graphql?raw";
import ticketRefundOrder from "./ticket-refund-order.graphql?raw";
import ticketRefundReasons from "./ticket-refund-reasons.graphql?raw";
import ticketReply from "./ticket-reply.graphql?raw";
import ticketUpdate from "./ticket-update.graphql?raw";
import type {
  CrmTicketCountsData,
  CrmTicketStatsData,
  CustomerTicketsData,
  InteractionCreateData,
  InteractionCreateInput,
  OrderTicketsData,
  StaffUsersData,
  TicketAddNoteData,
  TicketAssignData,
  TicketCreateData,
  TicketCreateInput,
  TicketDetailsData,
  TicketIssueVoucherData,
  TicketLinkOrderData,
  TicketListData,
  TicketListVariables,
  TicketRefundInput,
  TicketRefundOrderData,
  TicketRefundReasonsData,
  TicketReplyData,
  TicketReplyVariables,
  TicketUpdateData,
  TicketUpdateVariables,
  TicketVoucherInput,
} from "./types";

export const { fragmentsFor, operation } = documentFactory(fragmentsSource);

export const TicketList = operation<TicketListData, TicketListVariables>(ticketList);
export const TicketDetails = operation<TicketDetailsData, { id: string }>(ticketDetails);
export const TicketReply = operation<TicketReplyData, TicketReplyVariables>(ticketReply);
export const TicketAddNote = operation<TicketAddNoteData, { id: string; body: string }>(ticketAddNote);
export const TicketUpdate = operation<TicketUpdateData, TicketUpdateVariables>(ticketUpdate);
export const TicketAssign = operation<TicketAssignData, { id: string; assignee: string | null }>(
  ticketAssign,
);
export const TicketLinkOrder = operation<TicketLinkOrderData, { id: string; order: string | null }>(
  ticketLinkOrder,
);
export const TicketIssueVoucher = operation<TicketIssueVoucherData, { id: string; input: TicketVoucherInput }>(
  ticketIssueVoucher,
);
export const TicketRefundOrder = operation<TicketRefundOrderData, { id: string; input: TicketRefundInput }>(
  ticketRefundOrder,
);
export const TicketRefundReasons = operation<TicketRefundReasonsData, Record<string, never>>(ticketRefundReasons);
export const TicketCreate = operation<TicketCreateData, { input: TicketCreateInput }>(ticketCreate);
export const InteractionCreate = operation<InteractionCreateData, { input: InteractionCreateInput }>(
  interactionCreate,
);
export const OrderTickets = operation<OrderTicketsData, { orderId: string }>(orderTickets);
export const CustomerTickets = operation<CustomerTicketsData, { id: string; after?: string | null }>(
  customerTickets,
);
export const CrmTicketStats = operation<CrmTicketStatsData, Record<string, never>>(crmTicketStats);
export const CrmTicketCounts = operation<CrmTicketCountsData, Record<string, never>>(crmTicketCounts);

/** CRM operations, all validated against the CRM schema. */
export const allDocuments = {
  TicketList,
  TicketDetails,
  TicketReply,
  TicketAddNote,
  TicketUpdate,
  TicketAssign,
  TicketLinkOrder,
  TicketIssueVoucher,
  TicketRefundOrder,
  TicketRefundReasons,
  TicketCreate,
  InteractionCreate,
  OrderTickets,
  CustomerTickets,
  CrmTicketStats,
  CrmTicketCounts,
};

/** Saleor's own API, sent to `saleorApiUrl` (not part of the CRM schema). */
export const StaffUsers = typedDocument<StaffUsersData, Record<string, never>>(staffUsers);
