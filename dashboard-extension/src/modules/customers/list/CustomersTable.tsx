import { Box, Text } from "@saleor/macaw-ui";

import { displayName, formatCountry, formatDate, formatMoney, formatNumber, formatRelative, formatUnconverted } from "../../core/format";
import { Cell, DataTable, type DataColumn } from "../../core/ui/DataTable";
import { RfmScores, SegmentChip, StageChip, ToneChip } from "../components";
import type { CustomerProfileSummary, SortField, SortingInput } from "../graphql/types";

const NO_RATE_TITLE =
  "No exchange rate to the reporting currency: set one in the CRM plugin's configuration to count this spend.";

const COLUMNS: DataColumn<SortField>[] = [
  { key: "customer", label: "Customer", sortField: "EMAIL", width: "26%" },
  { key: "stage", label: "Stage" },
  { key: "rfm", label: "RFM" },
  { key: "orders", label: "Orders", sortField: "ORDERS_COUNT", align: "right" },
  { key: "spent", label: "Total spent", sortField: "TOTAL_SPENT", align: "right" },
  { key: "lastOrder", label: "Last order", sortField: "LAST_ORDER_AT" },
  { key: "country", label: "Country" },
  { key: "tags", label: "Tags" },
];

export function CustomersTable({
  rows,
  loading,
  sort,
  onSort,
  onOpen,
  locale,
  skeletonRows = 8,
}: {
  rows: CustomerProfileSummary[] | undefined;
  loading: boolean;
  sort: SortingInput;
  onSort: (field: SortField) => void;
  onOpen: (profile: CustomerProfileSummary) => void;
  locale?: string;
  skeletonRows?: number;
}) {
  const now = new Date();
  return (
    <DataTable
      columns={COLUMNS}
      rows={rows}
      loading={loading}
      sort={sort}
      onSort={onSort}
      onOpen={onOpen}
      rowKey={(profile) => profile.id}
      rowTestId="customer-row"
      skeletonRows={skeletonRows}
      renderCells={(profile) => (
        <>
          <Cell>
            <Box display="flex" flexDirection="column" __minWidth="0">
              <Text size={3} fontWeight="medium" ellipsis>
                {profile.isErased ? "Erased customer" : displayName(profile)}
              </Text>
              <Text size={2} color="default2" ellipsis>
                {profile.isGuest ? `${profile.email} · guest` : profile.email}
              </Text>
            </Box>
          </Cell>
          <Cell>
            <StageChip stage={profile.lifecycleStage} />
          </Cell>
          <Cell>
            <Box display="flex" flexDirection="column" gap={0.5} alignItems="flex-start">
              <SegmentChip segment={profile.rfm.segment} />
              {profile.rfm.segment && <RfmScores rfm={profile.rfm} compact />}
            </Box>
          </Cell>
          <Cell align="right">
            <Text size={3}>{formatNumber(profile.ordersCount, locale)}</Text>
          </Cell>
          <Cell align="right">
            <Box display="flex" flexDirection="column" alignItems="flex-end">
              <Text size={3} fontWeight="medium" whiteSpace="nowrap">
                {formatMoney(profile.totalSpent, locale)}
              </Text>
              {profile.unconvertedSpend && profile.unconvertedSpend.length > 0 && (
                <Text size={2} color="default2" whiteSpace="nowrap" title={NO_RATE_TITLE}>
                  {formatUnconverted(profile.unconvertedSpend, locale)}
                </Text>
              )}
            </Box>
          </Cell>
          <Cell>
            <Box display="flex" flexDirection="column">
              <Text size={3} whiteSpace="nowrap">
                {formatDate(profile.lastOrderAt, locale)}
              </Text>
              {profile.lastOrderAt && (
                <Text size={2} color="default2" whiteSpace="nowrap">
                  {formatRelative(profile.lastOrderAt, now, locale)}
                </Text>
              )}
            </Box>
          </Cell>
          <Cell>
            <Text size={3} title={profile.country || undefined}>
              {formatCountry(profile.country, locale)}
            </Text>
          </Cell>
          <Cell>
            <TagList tags={profile.tags} />
          </Cell>
        </>
      )}
    />
  );
}

export function TagList({ tags, max = 2 }: { tags: string[]; max?: number }) {
  if (!tags.length) {
    return (
      <Text size={2} color="default2">
        —
      </Text>
    );
  }
  const shown = tags.slice(0, max);
  return (
    <Box display="flex" gap={1} flexWrap="wrap">
      {shown.map((tag) => (
        <ToneChip key={tag} tone="default">
          {tag}
        </ToneChip>
      ))}
      {tags.length > max && (
        <Text size={2} color="default2" title={tags.slice(max).join(", ")}>
          +{tags.length - max}
        </Text>
      )}
    </Box>
  );
}
