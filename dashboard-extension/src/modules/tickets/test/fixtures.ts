import type { TicketDetails, TicketMessage, TicketSummary } from "../graphql/types";

export const ORDER_ID = btoa("Order:42");
export const ANNA_ID = btoa("User:12");
export const ME_ID = btoa("User:7");

export function ticketSummary(index: number, overrides: Partial<TicketSummary> = {}): TicketSummary {
  return {
    id: btoa(`Ticket:${index}`),
    number: 1000 + index,
    subject: `Question ${index}`,
    status: "OPEN",
    priority: "NORMAL",
    channel: "EMAIL",
    assignee: null,
    order: null,
    tags: [],
    createdAt: "2026-11-20T10:00:00Z",
    updatedAt: "2026-11-22T10:00:00Z",
    firstResponseAt: null,
    firstResponseDueAt: "2099-01-01T00:00:00Z",
    resolutionDueAt: "2099-01-03T00:00:00Z",
    isBreached: false,
    solvedAt: null,
    closedAt: null,
    fromUnknownSender: false,
    senderRepliedTo: null,
    requesterEmail: `c${index}@example.com`,
    isVerified: true,
    verifiedAt: "2026-11-20T10:00:00Z",
    customer: {
      id: btoa(`CustomerProfile:${index}`),
      email: `c${index}@example.com`,
      firstName: `Customer ${index}`,
      lastName: "",
      isGuest: false,
      isErased: false,
      user: btoa(`User:${100 + index}`),
      lifecycleStage: "ACTIVE",
      ordersCount: 3,
      totalSpent: { amount: 120, currency: "EUR" },
    },
    ...overrides,
  };
}

function message(id: string, overrides: Partial<TicketMessage>): TicketMessage {
  return {
    id,
    kind: "REPLY",
    authorKind: "CUSTOMER",
    author: null,
    authorName: "Customer 1",
    body: "<p>Hello</p>",
    via: "EMAIL",
    createdAt: "2026-11-20T10:00:00Z",
    emailedAt: null,
    ...overrides,
  };
}

export function ticketDetails(overrides: Partial<TicketDetails> = {}): TicketDetails {
  const summary = ticketSummary(1, { order: ORDER_ID, tags: ["delivery"] });
  return {
    ...summary,
    firstResponseBreachedAt: null,
    resolutionBreachedAt: null,
    mergedInto: null,
    satisfaction: null,
    customer: {
      ...summary.customer!,
      satisfactionAverage: 4.5,
      satisfactionCount: 2,
      orders: {
        edges: [
          {
            node: {
              id: ORDER_ID,
              number: "42",
              placedAt: "2026-11-01T10:00:00Z",
              channel: "default-channel",
              status: "FULFILLED",
              total: { amount: 59.9, currency: "EUR" },
            },
          },
        ],
      },
    },
    vouchers: [],
    refunds: [],
    messages: {
      totalCount: 3,
      pageInfo: { hasPreviousPage: false },
      edges: [
        { node: message("M1", { body: "<p>Where is my parcel?</p>" }) },
        {
          node: message("M2", {
            authorKind: "STAFF",
            author: ANNA_ID,
            authorName: "Anna Nowak",
            body: "<p>It ships today.</p>",
            createdAt: "2026-11-20T11:00:00Z",
            emailedAt: "2026-11-20T11:00:05Z",
          }),
        },
        {
          node: message("M3", {
            kind: "NOTE",
            authorKind: "STAFF",
            author: ANNA_ID,
            authorName: "Anna Nowak",
            body: "<p>Carrier says Monday.</p>",
            createdAt: "2026-11-20T12:00:00Z",
          }),
        },
      ],
    },
    ...overrides,
  };
}
