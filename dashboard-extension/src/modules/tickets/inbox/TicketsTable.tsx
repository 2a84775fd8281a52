import { Box, Skeleton, Text, type BoxProps } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

import { displayName, formatDateTime, formatRelative } from "../../core/format";
import { ArrowDownIcon, ArrowUpIcon } from "../../core/ui/icons";
import { TagList } from "../../customers/list/CustomersTable";
import { PriorityChip, SlaChip, StatusChip } from "../components";
import type { TicketSortField, TicketSortingInput, TicketSummary } from "../graphql/types";
import { channelLabel } from "../labels";
import type { StaffDirectory } from "../staff";

interface Column {
  key: string;
  label: string;
  sortField?: TicketSortField;
  width?: string;
}

const COLUMNS: Column[] = [
  { key: "number", label: "#", sortField: "NUMBER", width: "64px" },
  { key: "subject", label: "Subject", width: "30%" },
  { key: "customer", label: "Customer" },
  { key: "status", label: "Status" },
  { key: "priority", label: "Priority" },
  { key: "assignee", label: "Assignee" },
  { key: "updated", label: "Updated", sortField: "UPDATED_AT" },
  { key: "sla", label: "SLA", sortField: "RESOLUTION_DUE_AT" },
];

const cellPadding: BoxProps = { paddingX: 3, paddingY: 2.5 };

export function TicketsTable({
  rows,
  loading,
  sort,
  onSort,
  onOpen,
  staff,
  locale,
  skeletonRows = 8,
}: {
  rows: TicketSummary[] | undefined;
  loading: boolean;
  sort: TicketSortingInput;
  onSort: (field: TicketSortField) => void;
  onOpen: (ticket: TicketSummary) => void;
  staff: StaffDirectory;
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
        {rows?.map((ticket) => (
          <Box
            as="tr"
            key={ticket.id}
            tabIndex={0}
            cursor="pointer"
            backgroundColor={{ default: "default1", hover: "default1Hovered", focusVisible: "default1Focused" }}
            borderBottomWidth={1}
            borderBottomStyle="solid"
            borderColor="default1"
            onClick={() => onOpen(ticket)}
            onKeyDown={(event) => {
              if (event.key === "Enter") onOpen(ticket);
            }}
            data-testid="ticket-row"
          >
            <Cell>
              <Text size={3} color="default2" fontWeight="medium" whiteSpace="nowrap">
                #{ticket.number}
              </Text>
            </Cell>
            <Cell>
              <Box display="flex" flexDirection="column" gap={1} __minWidth="0">
                <Text size={3} fontWeight="medium" ellipsis title={ticket.subject}>
                  {ticket.subject}
                </Text>
                <Box display="flex" gap={2} alignItems="center" flexWrap="wrap">
                  <Text size={2} color="default2" whiteSpace="nowrap">
                    {channelLabel(ticket.channel)}
                  </Text>
                  {ticket.tags.length > 0 && <TagList tags={ticket.tags} max={2} />}
                </Box>
              </Box>
            </Cell>
            <Cell>
              <Box display="flex" flexDirection="column" __minWidth="0" __maxWidth="220px">
                <Text size={3} ellipsis>
                  {ticket.customer.isErased ? "Erased customer" : displayName(ticket.customer)}
                </Text>
                {displayName(ticket.customer) !== ticket.customer.email && !ticket.customer.isErased && (
                  <Text size={2} color="default2" ellipsis>
                    {ticket.customer.email}
                  </Text>
                )}
              </Box>
            </Cell>
            <Cell>
              <StatusChip status={ticket.status} />
            </Cell>
            <Cell>
              <PriorityChip priority={ticket.priority} />
            </Cell>
            <Cell>
              <Text
                size={3}
                color={ticket.assignee ? "default1" : "default2"}
                whiteSpace="nowrap"
                title={ticket.assignee ?? undefined}
              >
                {staff.nameOf(ticket.assignee)}
              </Text>
            </Cell>
            <Cell>
              <Text size={3} whiteSpace="nowrap" title={formatDateTime(ticket.updatedAt, locale)}>
                {formatRelative(ticket.updatedAt, now, locale)}
              </Text>
            </Cell>
            <Cell>
              <SlaChip ticket={ticket} now={now} locale={locale} />
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
  sort: TicketSortingInput;
  onSort: (field: TicketSortField) => void;
}) {
  const active = column.sortField && sort.field === column.sortField;
  const label = (
    <Text size={2} color={active ? "default1" : "default2"} fontWeight="medium" whiteSpace="nowrap">
      {column.label}
    </Text>
  );
  const sortName = column.sortField === "RESOLUTION_DUE_AT" ? "resolution due" : column.key === "number" ? "number" : column.label.toLowerCase();
  return (
    <Box
      as="th"
      {...cellPadding}
      textAlign="left"
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
          title={`Sort by ${sortName}`}
        >
          {label}
          {active && (sort.direction === "ASC" ? <ArrowUpIcon size={14} /> : <ArrowDownIcon size={14} />)}
        </Box>
      ) : (
        label
      )}
    </Box>
  );
}

function Cell({ children }: { children: ReactNode }) {
  return (
    <Box as="td" {...cellPadding} textAlign="left">
      {children}
    </Box>
  );
}
