import { Box, Text } from "@saleor/macaw-ui";

import { displayName, formatDateTime, formatRelative } from "../../core/format";
import { Cell, DataTable, type DataColumn } from "../../core/ui/DataTable";
import { TagList } from "../../customers/list/CustomersTable";
import { PriorityChip, SlaChip, StatusChip, UnknownSenderChip, UnverifiedChip } from "../components";
import type { TicketSortField, TicketSortingInput, TicketSummary } from "../graphql/types";
import { channelLabel } from "../labels";
import type { StaffDirectory } from "../staff";

const COLUMNS: DataColumn<TicketSortField>[] = [
  { key: "number", label: "#", sortField: "NUMBER", sortName: "number", width: "64px" },
  { key: "subject", label: "Subject", width: "30%" },
  { key: "customer", label: "Customer" },
  { key: "status", label: "Status" },
  { key: "priority", label: "Priority" },
  { key: "assignee", label: "Assignee" },
  { key: "updated", label: "Updated", sortField: "UPDATED_AT" },
  { key: "sla", label: "SLA", sortField: "RESOLUTION_DUE_AT", sortName: "resolution due" },
];

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
    <DataTable
      columns={COLUMNS}
      rows={rows}
      loading={loading}
      sort={sort}
      onSort={onSort}
      onOpen={onOpen}
      rowKey={(ticket) => ticket.id}
      rowTestId="ticket-row"
      skeletonRows={skeletonRows}
      renderCells={(ticket) => (
        <>
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
                <UnverifiedChip ticket={ticket} />
                <UnknownSenderChip ticket={ticket} />
                {ticket.tags.length > 0 && <TagList tags={ticket.tags} max={2} />}
              </Box>
            </Box>
          </Cell>
          <Cell>
            {ticket.customer ? (
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
            ) : (
              // Unverified: nobody's profile yet, only the address it came from.
              <Box display="flex" flexDirection="column" __minWidth="0" __maxWidth="220px">
                <Text size={3} ellipsis title={ticket.requesterEmail}>
                  {ticket.requesterEmail}
                </Text>
                <Text size={2} color="default2" ellipsis>
                  Not verified
                </Text>
              </Box>
            )}
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
        </>
      )}
    />
  );
}

