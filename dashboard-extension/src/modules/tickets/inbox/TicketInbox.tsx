import { Box, Button, Select, Text, type Option } from "@saleor/macaw-ui";
import { useEffect, useMemo, useState } from "react";

import { appPaths } from "../../core/routes";
import { ChevronLeftIcon, ChevronRightIcon } from "../../core/ui/icons";
import { EmptyState, ErrorState } from "../../core/ui/States";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import {
  canGoNext,
  canGoPrevious,
  firstPage,
  nextPage,
  pageVariables,
  previousPage,
  rangeLabel,
  type PageState,
} from "../../customers/list/pagination";
import { useDebouncedValue } from "../../customers/list/useDebouncedValue";
import { TicketList } from "../graphql/documents";
import type { TicketSortingInput } from "../graphql/types";
import { useStaffDirectory } from "../staff";
import {
  DEFAULT_TICKET_FILTERS,
  DEFAULT_TICKET_SORT,
  EMPTY_TICKET_FILTERS,
  toggleTicketSort,
  toTicketFilterInput,
  type TicketFilters,
} from "./filters";
import { TicketFilterBar } from "./TicketFilterBar";
import { TicketsTable } from "./TicketsTable";

const PAGE_SIZES: Option[] = [20, 50, 100].map((size) => ({ value: String(size), label: `${size} rows` }));

interface InboxState {
  filters: TicketFilters;
  sort: TicketSortingInput;
  page: PageState;
  /** The applied filter the page's cursor belongs to; another filter starts at page one. */
  pageFilterKey: string;
}

const INITIAL_STATE: InboxState = {
  filters: DEFAULT_TICKET_FILTERS,
  sort: DEFAULT_TICKET_SORT,
  page: firstPage(20),
  pageFilterKey: "",
};

// Survives visits to a ticket and back, for the rest of the session.
let remembered: InboxState = INITIAL_STATE;

/** Back to the first page of open tickets, as on a fresh visit. */
export function forgetInboxState(): void {
  remembered = INITIAL_STATE;
}

export function TicketInbox() {
  const { navigate, locale } = useCrm();
  const staff = useStaffDirectory();
  const [state, setState] = useState<InboxState>(remembered);
  useEffect(() => {
    remembered = state;
  }, [state]);

  const debouncedFilters = useDebouncedValue(state.filters, 300);
  const filterInput = useMemo(() => toTicketFilterInput(debouncedFilters, staff.me), [debouncedFilters, staff.me]);
  const filterKey = JSON.stringify(filterInput ?? {});
  const page = state.pageFilterKey === filterKey ? state.page : firstPage(state.page.pageSize);
  const setPage = (update: (page: PageState) => PageState) =>
    setState((current) => ({ ...current, page: update(page), pageFilterKey: filterKey }));

  const variables = useMemo(
    () => ({ ...pageVariables(page), filter: filterInput, sortBy: state.sort }),
    [page, filterInput, state.sort],
  );
  // "Assigned to me" waits until we know who "me" is.
  const waitingForMe = state.filters.assignee === "me" && staff.meLoading;
  const { data, error, loading, refetch } = useCrmQuery(TicketList, variables, { skip: waitingForMe });
  const connection = data?.tickets ?? undefined;
  const rows = connection?.edges.map((edge) => edge.node);
  const filtering = JSON.stringify(state.filters) !== JSON.stringify(EMPTY_TICKET_FILTERS);

  return (
    <Box display="flex" flexDirection="column" gap={4}>
      <TicketFilterBar
        filters={state.filters}
        canFilterMine={Boolean(staff.me) || staff.meLoading}
        onChange={(filters) => setState((current) => ({ ...current, filters }))}
      />
      {state.filters.assignee === "me" && !staff.meLoading && !staff.me && (
        <Text size={2} color="default2">
          Your Dashboard session does not say who you are, so "Assigned to me" is not applied.
        </Text>
      )}
      {error && !loading ? (
        <ErrorState error={error} onRetry={refetch} />
      ) : rows && rows.length === 0 && !loading ? (
        filtering ? (
          <EmptyState
            title="No tickets match these filters"
            detail="Try a broader search or remove a filter."
            action={
              <Button
                variant="secondary"
                size="small"
                onClick={() => setState((current) => ({ ...current, filters: EMPTY_TICKET_FILTERS }))}
              >
                Show all tickets
              </Button>
            }
          />
        ) : (
          <EmptyState
            title="No tickets yet"
            detail="Tickets arrive from the support email address and the storefront's contact form; staff can open one from a customer or an order."
          />
        )
      ) : (
        <Box borderWidth={1} borderStyle="solid" borderColor="default1" borderRadius={4} overflowX="auto">
          <TicketsTable
            rows={rows}
            loading={loading}
            sort={state.sort}
            staff={staff}
            locale={locale}
            onSort={(field) =>
              setState((current) => ({
                ...current,
                sort: toggleTicketSort(current.sort, field),
                page: firstPage(current.page.pageSize),
                pageFilterKey: filterKey,
              }))
            }
            onOpen={(ticket) => navigate(appPaths.ticket(ticket.id))}
          />
        </Box>
      )}
      {connection && rows && rows.length > 0 && (
        <Box display="flex" justifyContent="space-between" alignItems="center" gap={3}>
          <Text size={2} color="default2">
            {rangeLabel(page, rows.length, connection.totalCount)}
          </Text>
          <Box display="flex" alignItems="center" gap={2}>
            <Box __width="130px">
              <Select
                size="small"
                options={PAGE_SIZES}
                value={PAGE_SIZES.find((option) => option.value === String(page.pageSize)) ?? null}
                onChange={(option: Option) => setPage(() => firstPage(Number(option.value)))}
                aria-label="Rows per page"
              />
            </Box>
            <Button
              variant="secondary"
              size="small"
              icon={<ChevronLeftIcon size={16} />}
              disabled={loading || !canGoPrevious(page, connection.pageInfo)}
              onClick={() => setPage((current) => previousPage(current, connection.pageInfo))}
              aria-label="Previous page"
            />
            <Button
              variant="secondary"
              size="small"
              icon={<ChevronRightIcon size={16} />}
              disabled={loading || !canGoNext(connection.pageInfo)}
              onClick={() => setPage((current) => nextPage(current, connection.pageInfo))}
              aria-label="Next page"
            />
          </Box>
        </Box>
      )}
    </Box>
  );
}
