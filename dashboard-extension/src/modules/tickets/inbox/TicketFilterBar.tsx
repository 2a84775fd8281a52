import { Box, Button, Checkbox, Multiselect, SearchInput, Select, Text, type Option } from "@saleor/macaw-ui";

import type { TicketPriority, TicketStatus } from "../graphql/types";
import { TICKET_PRIORITIES, TICKET_STATUSES } from "../labels";
import {
  activeTicketFilterCount,
  EMPTY_TICKET_FILTERS,
  type AssigneeFilter,
  type TicketFilters,
} from "./filters";

const statusOptions: Option[] = TICKET_STATUSES.map(({ value, label }) => ({ value, label }));
const priorityOptions: Option[] = TICKET_PRIORITIES.map(({ value, label }) => ({ value, label }));

export function TicketFilterBar({
  filters,
  onChange,
  canFilterMine,
}: {
  filters: TicketFilters;
  onChange: (filters: TicketFilters) => void;
  /** False when the token has no Saleor User ID to filter on. */
  canFilterMine: boolean;
}) {
  const set = <K extends keyof TicketFilters>(key: K, value: TicketFilters[K]) =>
    onChange({ ...filters, [key]: value });
  const count = activeTicketFilterCount(filters);
  const assigneeOptions: Option[] = [
    { value: "anyone", label: "Anyone" },
    { value: "me", label: canFilterMine ? "Assigned to me" : "Assigned to me (unavailable)", disabled: !canFilterMine },
    { value: "unassigned", label: "Unassigned" },
  ];

  return (
    <Box display="flex" flexDirection="column" gap={3}>
      <Box display="flex" gap={3} alignItems="center">
        <Box __flex="1">
          <SearchInput
            size="small"
            placeholder="Search by subject, ticket number or customer email"
            value={filters.search}
            onChange={(event) => set("search", event.target.value)}
            aria-label="Search tickets"
          />
        </Box>
        {(count > 0 || filters.search) && (
          <Button variant="tertiary" size="small" onClick={() => onChange(EMPTY_TICKET_FILTERS)}>
            Clear filters{count ? ` (${count})` : ""}
          </Button>
        )}
      </Box>
      <Box
        display="grid"
        gap={3}
        alignItems="center"
        __gridTemplateColumns="minmax(200px, 2fr) minmax(160px, 1.3fr) minmax(160px, 1fr) auto auto"
      >
        <Multiselect
          size="small"
          label="Status"
          options={statusOptions}
          value={statusOptions.filter((option) => filters.statuses.includes(option.value as TicketStatus))}
          onChange={(selected: Option[]) =>
            set(
              "statuses",
              selected.map((option) => option.value as TicketStatus),
            )
          }
        />
        <Multiselect
          size="small"
          label="Priority"
          options={priorityOptions}
          value={priorityOptions.filter((option) => filters.priorities.includes(option.value as TicketPriority))}
          onChange={(selected: Option[]) =>
            set(
              "priorities",
              selected.map((option) => option.value as TicketPriority),
            )
          }
        />
        <Select
          size="small"
          label="Assignee"
          options={assigneeOptions}
          value={assigneeOptions.find((option) => option.value === filters.assignee) ?? null}
          onChange={(option: Option) => set("assignee", option.value as AssigneeFilter)}
        />
        <Checkbox
          checked={filters.breached}
          onCheckedChange={(checked) => set("breached", checked === true)}
          aria-label="SLA breached"
        >
          <Text size={3} whiteSpace="nowrap">
            SLA breached
          </Text>
        </Checkbox>
        <Checkbox
          checked={filters.dueSoon}
          onCheckedChange={(checked) => set("dueSoon", checked === true)}
          aria-label="Due within 2 hours"
        >
          <Text size={3} whiteSpace="nowrap" title="An SLA target falls within the next two hours">
            Due within 2 hours
          </Text>
        </Checkbox>
      </Box>
    </Box>
  );
}
