import { Box, Button, Input, Multiselect, SearchInput, Select, Text, type Option } from "@saleor/macaw-ui";

import type { LifecycleStage, RfmSegment } from "../graphql/types";
import { LIFECYCLE_STAGES, RFM_SEGMENTS } from "../labels";
import {
  activeFilterCount,
  EMPTY_FILTERS,
  type CustomerFilters,
  type FilterErrors,
} from "./filters";

const stageOptions: Option[] = LIFECYCLE_STAGES.map(({ value, label }) => ({ value, label }));
const segmentOptions: Option[] = RFM_SEGMENTS.map(({ value, label }) => ({ value, label }));
const typeOptions: Option[] = [
  { value: "all", label: "All customers" },
  { value: "account", label: "With account" },
  { value: "guest", label: "Guests" },
];

export function CustomerFilterBar({
  filters,
  errors,
  onChange,
}: {
  filters: CustomerFilters;
  errors: FilterErrors;
  onChange: (filters: CustomerFilters) => void;
}) {
  const set = <K extends keyof CustomerFilters>(key: K, value: CustomerFilters[K]) =>
    onChange({ ...filters, [key]: value });
  const count = activeFilterCount(filters);

  return (
    <Box display="flex" flexDirection="column" gap={3}>
      <Box display="flex" gap={3} alignItems="center">
        <Box __flex="1">
          <SearchInput
            size="small"
            placeholder="Search by email, name or city"
            value={filters.search}
            onChange={(event) => set("search", event.target.value)}
            aria-label="Search customers"
          />
        </Box>
        {(count > 0 || filters.search) && (
          <Button variant="tertiary" size="small" onClick={() => onChange(EMPTY_FILTERS)}>
            Clear filters{count ? ` (${count})` : ""}
          </Button>
        )}
      </Box>
      <Box display="grid" gap={3} __gridTemplateColumns="repeat(auto-fit, minmax(180px, 1fr))">
        <Multiselect
          size="small"
          label="Lifecycle stage"
          options={stageOptions}
          value={stageOptions.filter((option) => filters.stages.includes(option.value as LifecycleStage))}
          onChange={(selected: Option[]) =>
            set(
              "stages",
              selected.map((option) => option.value as LifecycleStage),
            )
          }
        />
        <Multiselect
          size="small"
          label="RFM segment"
          options={segmentOptions}
          value={segmentOptions.filter((option) => filters.segments.includes(option.value as RfmSegment))}
          onChange={(selected: Option[]) =>
            set(
              "segments",
              selected.map((option) => option.value as RfmSegment),
            )
          }
        />
        <Input
          size="small"
          label="Countries"
          placeholder="DE, PL"
          value={filters.countries}
          error={Boolean(errors.countries)}
          helperText={errors.countries}
          onChange={(event) => set("countries", event.target.value)}
        />
        <Box display="flex" gap={2}>
          <Input
            size="small"
            type="number"
            label="Spent from"
            min={0}
            value={filters.spendMin}
            error={Boolean(errors.spendMin)}
            helperText={errors.spendMin}
            onChange={(event) => set("spendMin", event.target.value)}
          />
          <Input
            size="small"
            type="number"
            label="Spent to"
            min={0}
            value={filters.spendMax}
            error={Boolean(errors.spendMax)}
            helperText={errors.spendMax}
            onChange={(event) => set("spendMax", event.target.value)}
          />
        </Box>
        <Select
          size="small"
          label="Customer type"
          options={typeOptions}
          value={typeOptions.find((option) => option.value === filters.customerType) ?? null}
          onChange={(option: Option) =>
            set("customerType", option.value as CustomerFilters["customerType"])
          }
        />
      </Box>
      {(errors.countries || errors.spendMin || errors.spendMax) && (
        <Text size={2} color="default2">
          Filters with mistakes are not applied.
        </Text>
      )}
    </Box>
  );
}
