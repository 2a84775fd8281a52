import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import { formatDate, formatNumber } from "../../core/format";
import { appPaths } from "../../core/routes";
import { Card } from "../../core/ui/Card";
import { Cell, DataTable, type DataColumn } from "../../core/ui/DataTable";
import { EmptyState, ErrorState } from "../../core/ui/States";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import { useDebouncedValue } from "../../customers/list/useDebouncedValue";
import { MarketingSegments } from "../graphql/documents";
import type { SegmentSummary } from "../graphql/types";

const COLUMNS: DataColumn<never>[] = [
  { key: "name", label: "Segment" },
  { key: "count", label: "Customers now", align: "right", width: "140px" },
  { key: "updated", label: "Changed", align: "right", width: "140px" },
];

const NO_SORT = { field: undefined as never, direction: "ASC" as const };

/** The Marketing tab's segments: name, live count, last change; opens the editor. */
export function SegmentsList() {
  const { navigate, locale } = useCrm();
  const [search, setSearch] = useState("");
  const applied = useDebouncedValue(search.trim(), 300);
  const { data, error, loading, refetch } = useCrmQuery(MarketingSegments, {
    first: 50,
    ...(applied ? { search: applied } : {}),
  });
  const rows = data?.segments?.edges.map((edge) => edge.node);
  return (
    <Card
      title="Segments"
      subtitle={
        data?.segments?.totalCount != null ? `${formatNumber(data.segments.totalCount, locale)} saved` : undefined
      }
      actions={
        <Button size="small" variant="primary" onClick={() => navigate(appPaths.newSegment())}>
          New segment
        </Button>
      }
      data-testid="segments-card"
    >
      <Box __maxWidth="320px">
        <Input
          size="small"
          label="Search by name"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
      </Box>
      {error && !loading ? (
        <ErrorState error={error} onRetry={refetch} compact />
      ) : rows && rows.length === 0 ? (
        <EmptyState
          title={applied ? "No segment with that name" : "No segments yet"}
          detail="A segment is a saved set of rules over your customers: who bought what, where, how often, and who agreed to marketing."
        />
      ) : (
        <DataTable<SegmentSummary, never>
          columns={COLUMNS}
          rows={rows}
          loading={loading}
          sort={NO_SORT}
          onSort={() => undefined}
          onOpen={(segment) => navigate(appPaths.segment(segment.id))}
          rowKey={(segment) => segment.id}
          rowTestId="segment-row"
          skeletonRows={3}
          renderCells={(segment) => (
            <>
              <Cell>
                <Box display="flex" flexDirection="column">
                  <Text size={3} fontWeight="medium">
                    {segment.name}
                  </Text>
                  {segment.description && (
                    <Text size={2} color="default2" ellipsis>
                      {segment.description}
                    </Text>
                  )}
                </Box>
              </Cell>
              <Cell align="right">
                <Text size={3}>{formatNumber(segment.customerCount, locale)}</Text>
              </Cell>
              <Cell align="right">
                <Text size={2} color="default2">
                  {formatDate(segment.updatedAt, locale)}
                </Text>
              </Cell>
            </>
          )}
        />
      )}
    </Card>
  );
}
