import type {
  CustomerProfileFilterInput,
  LifecycleStage,
  RfmSegment,
  SortingInput,
} from "../graphql/types";

/** What the filter bar holds: raw text where people type, parsed on the way out. */
export interface CustomerFilters {
  search: string;
  stages: LifecycleStage[];
  segments: RfmSegment[];
  /** Country codes as typed: "DE, pl fr". */
  countries: string;
  /** Spend bounds as typed, in the reporting currency. */
  spendMin: string;
  spendMax: string;
  customerType: "all" | "account" | "guest";
}

export const EMPTY_FILTERS: CustomerFilters = {
  search: "",
  stages: [],
  segments: [],
  countries: "",
  spendMin: "",
  spendMax: "",
  customerType: "all",
};

export const DEFAULT_SORT: SortingInput = { field: "LAST_ORDER_AT", direction: "DESC" };

export type FilterErrors = Partial<Record<"countries" | "spendMin" | "spendMax", string>>;

/** Two-letter codes from free text; anything else is reported, not sent. */
export function parseCountries(text: string): { codes: string[]; invalid: string[] } {
  const codes: string[] = [];
  const invalid: string[] = [];
  for (const token of text.split(/[\s,;]+/).filter(Boolean)) {
    const code = token.toUpperCase();
    if (!/^[A-Z]{2}$/.test(code)) invalid.push(token);
    else if (!codes.includes(code)) codes.push(code);
  }
  return { codes, invalid };
}

function parseAmount(text: string): number | undefined | "invalid" {
  const trimmed = text.trim().replace(",", ".");
  if (!trimmed) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) && value >= 0 ? value : "invalid";
}

export function validateFilters(filters: CustomerFilters): FilterErrors {
  const errors: FilterErrors = {};
  const { invalid } = parseCountries(filters.countries);
  if (invalid.length) errors.countries = `Use two-letter country codes (not ${invalid.join(", ")}).`;
  const min = parseAmount(filters.spendMin);
  const max = parseAmount(filters.spendMax);
  if (min === "invalid") errors.spendMin = "Enter an amount of 0 or more.";
  if (max === "invalid") errors.spendMax = "Enter an amount of 0 or more.";
  if (typeof min === "number" && typeof max === "number" && min > max) {
    errors.spendMax = "The maximum is below the minimum.";
  }
  return errors;
}

/**
 * The GraphQL `CustomerProfileFilterInput` for the filter bar, or undefined
 * when nothing filters. Invalid parts are left out (the bar shows why).
 */
export function toFilterInput(filters: CustomerFilters): CustomerProfileFilterInput | undefined {
  const input: CustomerProfileFilterInput = {};
  const search = filters.search.trim();
  if (search) input.search = search;
  if (filters.stages.length) input.lifecycleStages = [...filters.stages];
  if (filters.segments.length) input.rfmSegments = [...filters.segments];
  const { codes } = parseCountries(filters.countries);
  if (codes.length) input.countries = codes;
  if (filters.customerType !== "all") input.isGuest = filters.customerType === "guest";
  const min = parseAmount(filters.spendMin);
  const max = parseAmount(filters.spendMax);
  const validRange = !(typeof min === "number" && typeof max === "number" && min > max);
  if (validRange && (typeof min === "number" || typeof max === "number")) {
    input.totalSpent = {};
    if (typeof min === "number") input.totalSpent.gte = min;
    if (typeof max === "number") input.totalSpent.lte = max;
  }
  return Object.keys(input).length ? input : undefined;
}

/** How many filters (besides search) are on, for the "Filters (2)" label. */
export function activeFilterCount(filters: CustomerFilters): number {
  return (
    (filters.stages.length ? 1 : 0) +
    (filters.segments.length ? 1 : 0) +
    (filters.countries.trim() ? 1 : 0) +
    (filters.spendMin.trim() || filters.spendMax.trim() ? 1 : 0) +
    (filters.customerType !== "all" ? 1 : 0)
  );
}

/** Clicking a column header: same field flips direction, a new field starts at its natural order. */
export function toggleSort(current: SortingInput, field: SortingInput["field"]): SortingInput {
  if (current.field === field) {
    return { field, direction: current.direction === "ASC" ? "DESC" : "ASC" };
  }
  return { field, direction: field === "EMAIL" ? "ASC" : "DESC" };
}
