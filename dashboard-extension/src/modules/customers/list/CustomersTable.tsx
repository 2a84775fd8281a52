import { Box, Skeleton, Text, type BoxProps } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

import {
  displayName,
  formatCountry,
  formatDate,
  formatMoney,
  formatNumber,
  formatRelative,
} from "../../core/format";
import { ArrowDownIcon, ArrowUpIcon } from "../../core/ui/icons";
import { RfmScores, SegmentChip, StageChip, ToneChip } from "../components";
import type { CustomerProfileSummary, SortField, SortingInput } from "../graphql/types";

interface Column {
  key: string;
  label: string;
  sortField?: SortField;
  align?: "left" | "right";
  width?: string;
}

const COLUMNS: Column[] = [
  { key: "customer", label: "Customer", sortField: "EMAIL", width: "26%" },
  { key: "stage", label: "Stage" },
  { key: "rfm", label: "RFM" },
  { key: "orders", label: "Orders", sortField: "ORDERS_COUNT", align: "right" },
  { key: "spent", label: "Total spent", sortField: "TOTAL_SPENT", align: "right" },
  { key: "lastOrder", label: "Last order", sortField: "LAST_ORDER_AT" },
  { key: "country", label: "Country" },
  { key: "tags", label: "Tags" },
];

const cellPadding: BoxProps = { paddingX: 3, paddingY: 2.5 };

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
    <Box
      as="table"
      width="100%"
      __borderCollapse="collapse"
      aria-busy={loading}
      __opacity={loading && rows ? "0.6" : "1"}
      __transition="opacity 120ms"
    >
      <Box as="thead">
        <Box as="tr" borderBottomWidth={1} borderBottomStyle="solid" borderColor="default1">
          {COLUMNS.map((column) => (
            <HeaderCell key={column.key} column={column} sort={sort} onSort={onSort} />
          ))}
        </Box>
      </Box>
      <Box as="tbody">
        {!rows &&
          Array.from({ length: skeletonRows }, (_, index) => (
            <Box as="tr" key={index} borderBottomWidth={1} borderBottomStyle="solid" borderColor="default1">
              {COLUMNS.map((column) => (
                <Box as="td" key={column.key} {...cellPadding}>
                  <Skeleton />
                </Box>
              ))}
            </Box>
          ))}
        {rows?.map((profile) => (
          <Box
            as="tr"
            key={profile.id}
            tabIndex={0}
            cursor="pointer"
            backgroundColor={{ default: "default1", hover: "default1Hovered", focusVisible: "default1Focused" }}
            borderBottomWidth={1}
            borderBottomStyle="solid"
            borderColor="default1"
            onClick={() => onOpen(profile)}
            onKeyDown={(event) => {
              if (event.key === "Enter") onOpen(profile);
            }}
            data-testid="customer-row"
          >
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
              <Text size={3} fontWeight="medium" whiteSpace="nowrap">
                {formatMoney(profile.totalSpent, locale)}
              </Text>
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
          </Box>
        ))}
      </Box>
    </Box>
  );
}

function HeaderCell({
  column,
  sort,
  onSort,
}: {
  column: Column;
  sort: SortingInput;
  onSort: (field: SortField) => void;
}) {
  const active = column.sortField && sort.field === column.sortField;
  const label = (
    <Text size={2} color={active ? "default1" : "default2"} fontWeight="medium" whiteSpace="nowrap">
      {column.label}
    </Text>
  );
  return (
    <Box
      as="th"
      {...cellPadding}
      textAlign={column.align ?? "left"}
      __width={column.width}
      aria-sort={active ? (sort.direction === "ASC" ? "ascending" : "descending") : undefined}
    >
      {column.sortField ? (
        <Box
          as="button"
          type="button"
          onClick={() => column.sortField && onSort(column.sortField)}
          display="inline-flex"
          alignItems="center"
          gap={1}
          __backgroundColor="transparent"
          borderWidth={0}
          padding={0}
          cursor="pointer"
          color="default2"
          title={`Sort by ${column.label.toLowerCase()}`}
        >
          {label}
          {active &&
            (sort.direction === "ASC" ? <ArrowUpIcon size={14} /> : <ArrowDownIcon size={14} />)}
        </Box>
      ) : (
        label
      )}
    </Box>
  );
}

function Cell({ children, align }: { children: ReactNode; align?: "left" | "right" }) {
  return (
    <Box as="td" {...cellPadding} textAlign={align ?? "left"}>
      {children}
    </Box>
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
