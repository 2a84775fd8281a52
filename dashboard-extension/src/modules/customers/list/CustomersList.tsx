import { Box, Button, Select, Text, type Option } from "@saleor/macaw-ui";
import { useEffect, useMemo, useState } from "react";

import { ErrorState, EmptyState } from "../../core/ui/States";
import { ChevronLeftIcon, ChevronRightIcon } from "../../core/ui/icons";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import { CustomerProfileList } from "../graphql/documents";
import type { SortingInput } from "../graphql/types";
import { CustomerFilterBar } from "./CustomerFilterBar";
import { CustomersTable } from "./CustomersTable";
import {
  DEFAULT_SORT,
  EMPTY_FILTERS,
  toFilterInput,
  toggleSort,
  validateFilters,
  type CustomerFilters,
} from "./filters";
import {
  canGoNext,
  canGoPrevious,
  firstPage,
  nextPage,
  pageVariables,
  previousPage,
  rangeLabel,
  type PageState,
} from "./pagination";
import { useDebouncedValue } from "./useDebouncedValue";

const PAGE_SIZES: Option[] = [20, 50, 100].map((size) => ({ value: String(size), label: `${size} rows` }));

interface ListState {
  filters: CustomerFilters;
  sort: SortingInput;
  page: PageState;
  /** The applied filter the page's cursor belongs to; another filter starts at page one. */
  pageFilterKey: string;
}

const INITIAL_STATE: ListState = {
  filters: EMPTY_FILTERS,
  sort: DEFAULT_SORT,
  page: firstPage(20),
  pageFilterKey: "{}",
};

// Survives visits to a profile and back, for the rest of the session.
let remembered: ListState = INITIAL_STATE;

/** Back to the first page with no filters, as on a fresh visit. */
export function forgetListState(): void {
  remembered = INITIAL_STATE;
}

/** Opens the list next time with these filters, from its first page (e.g. from a chart). */
export function presetListFilters(filters: CustomerFilters): void {
  remembered = { ...remembered, filters, page: firstPage(remembered.page.pageSize), pageFilterKey: "" };
}

export function CustomersList() {
  const { navigate, locale } = useCrm();
  const [state, setState] = useState<ListState>(remembered);
  useEffect(() => {
    remembered = state;
  }, [state]);

  const debouncedFilters = useDebouncedValue(state.filters, 300);
  const filterInput = useMemo(() => toFilterInput(debouncedFilters), [debouncedFilters]);
  const errors = validateFilters(state.filters);

  const filterKey = JSON.stringify(filterInput ?? {});
  const page = state.pageFilterKey === filterKey ? state.page : firstPage(state.page.pageSize);
  const setPage = (update: (page: PageState) => PageState) =>
    setState((current) => ({ ...current, page: update(page), pageFilterKey: filterKey }));

  const variables = useMemo(
    () => ({ ...pageVariables(page), filter: filterInput, sortBy: state.sort }),
    [page, filterInput, state.sort],
  );
  const { data, error, loading, refetch } = useCrmQuery(CustomerProfileList, variables);
  const connection = data?.customerProfiles ?? undefined;
  const rows = connection?.edges.map((edge) => edge.node);

  const filtering = Boolean(filterInput);

  return (
    <Box display="flex" flexDirection="column" gap={4}>
      <CustomerFilterBar
        filters={state.filters}
        errors={errors}
        onChange={(filters) => setState((current) => ({ ...current, filters }))}
      />
      {error && !loading ? (
        <ErrorState error={error} onRetry={refetch} />
      ) : rows && rows.length === 0 && !loading ? (
        filtering ? (
          <EmptyState
            title="No customers match these filters"
            detail="Try a broader search or remove a filter."
            action={
              <Button variant="secondary" size="small" onClick={() => setState((current) => ({ ...current, filters: EMPTY_FILTERS }))}>
                Clear filters
              </Button>
            }
          />
        ) : (
          <EmptyState
            title="No customer profiles yet"
            detail="Profiles appear as people sign up, start checkouts and place orders. Existing customers are added by the CRM backfill."
          />
        )
      ) : (
        <Box
          borderWidth={1}
          borderStyle="solid"
          borderColor="default1"
          borderRadius={4}
          overflowX="auto"
        >
          <CustomersTable
            rows={rows}
            loading={loading}
            sort={state.sort}
            locale={locale}
            onSort={(field) =>
              setState((current) => ({
                ...current,
                sort: toggleSort(current.sort, field),
                page: firstPage(current.page.pageSize),
                pageFilterKey: filterKey,
              }))
            }
            onOpen={(profile) => navigate(`/app/customers/${encodeURIComponent(profile.id)}`)}
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
