import type {
  TicketFilterInput,
  TicketPriority,
  TicketSortField,
  TicketSortingInput,
  TicketStatus,
} from "../graphql/types";
import { OPEN_STATUSES } from "../labels";

export type AssigneeFilter = "anyone" | "me" | "unassigned";

/** What the inbox's filter bar holds. */
export interface TicketFilters {
  search: string;
  statuses: TicketStatus[];
  priorities: TicketPriority[];
  assignee: AssigneeFilter;
  breached: boolean;
  dueSoon: boolean;
}

/** Nothing filtered: every ticket. */
export const EMPTY_TICKET_FILTERS: TicketFilters = {
  search: "",
  statuses: [],
  priorities: [],
  assignee: "anyone",
  breached: false,
  dueSoon: false,
};

/** A first visit: tickets that still need work. */
export const DEFAULT_TICKET_FILTERS: TicketFilters = {
  ...EMPTY_TICKET_FILTERS,
  statuses: [...OPEN_STATUSES],
};

export const DEFAULT_TICKET_SORT: TicketSortingInput = { field: "UPDATED_AT", direction: "DESC" };

/**
 * The GraphQL `TicketFilterInput` for the filter bar, or undefined when
 * nothing filters. "Assigned to me" needs the staff member's Saleor User ID;
 * without one it is left out (the bar disables it).
 */
export function toTicketFilterInput(
  filters: TicketFilters,
  currentUserId?: string,
): TicketFilterInput | undefined {
  const input: TicketFilterInput = {};
  const search = filters.search.trim();
  if (search) input.search = search;
  if (filters.statuses.length) input.statuses = [...filters.statuses];
  if (filters.priorities.length) input.priorities = [...filters.priorities];
  if (filters.assignee === "unassigned") input.unassigned = true;
  if (filters.assignee === "me" && currentUserId) input.assignee = currentUserId;
  if (filters.breached) input.breached = true;
  if (filters.dueSoon) input.dueSoon = true;
  return Object.keys(input).length ? input : undefined;
}

/** How many filters (besides search) are on, for "Clear filters (2)". */
export function activeTicketFilterCount(filters: TicketFilters): number {
  return (
    (filters.statuses.length ? 1 : 0) +
    (filters.priorities.length ? 1 : 0) +
    (filters.assignee !== "anyone" ? 1 : 0) +
    (filters.breached ? 1 : 0) +
    (filters.dueSoon ? 1 : 0)
  );
}

/** Clicking a column header: same field flips, a new one starts at its natural order. */
export function toggleTicketSort(current: TicketSortingInput, field: TicketSortField): TicketSortingInput {
  if (current.field === field) {
    return { field, direction: current.direction === "ASC" ? "DESC" : "ASC" };
  }
  // Deadlines read soonest first; everything else newest first.
  return { field, direction: field === "RESOLUTION_DUE_AT" ? "ASC" : "DESC" };
}
