/**
 * The rule builder's model of a segment: a tree of groups and conditions the
 * form edits, turned into `SegmentRulesInput` and back, checked as the
 * backend checks it (saleor_crm_plugin/marketing/rules.py: FIELDS), and the
 * server's errors placed on the condition or group their `field` path names.
 *
 * Paths are the backend's: `rules`, `rules.conditions.2`,
 * `rules.groups.0.conditions.1`, `rules.groups.0.groups`. A group lists its
 * conditions first, then its groups, so a path is a position in the form.
 */
import { LIFECYCLE_STAGES, RFM_SEGMENTS } from "../../customers/labels";
import type {
  MarketingConsentStatus,
  SegmentCondition,
  SegmentConditionInput,
  SegmentField,
  SegmentMatch,
  SegmentOperator,
  SegmentRules,
  SegmentRulesInput,
} from "../graphql/types";

/** Groups nest at most this many levels below the top (the backend's MAX_DEPTH). */
export const MAX_DEPTH = 4;
export const MAX_CONDITIONS = 50;
export const MAX_GROUPS = 20;
export const MAX_VALUES = 100;
export const MAX_TEXT = 255;
export const MAX_DAYS = 36_500;

/** What kind of value a field takes, which decides its input control. */
export type ValueKind =
  | "tag"
  | "enum"
  | "score"
  | "integer"
  | "money"
  | "rating"
  | "date"
  | "country"
  | "text"
  | "channel"
  | "product"
  | "category"
  | "boolean";

export interface FieldSpec {
  field: SegmentField;
  label: string;
  kind: ValueKind;
  operators: SegmentOperator[];
  /** Enum fields: the values, as the API names them, with labels. */
  choices?: ReadonlyArray<{ value: string; label: string }>;
  /** Needs MANAGE_ORDERS in every channel (graphql/marketing/utils.py: ORDER_FIELDS). */
  needsOrders?: boolean;
  hint?: string;
}

const EQUALITY: SegmentOperator[] = ["EQ", "NEQ", "IN", "NOT_IN"];
const SET: SegmentOperator[] = ["IS_SET", "IS_NOT_SET"];
const ORDERING: SegmentOperator[] = ["EQ", "GT", "GTE", "LT", "LTE", "BETWEEN"];
const NUMBER: SegmentOperator[] = ["EQ", "NEQ", "GT", "GTE", "LT", "LTE", "BETWEEN"];
const DAYS: SegmentOperator[] = ["WITHIN_LAST_DAYS", "BEFORE_LAST_DAYS"];

export const CONSENT_STATUSES: ReadonlyArray<{ value: MarketingConsentStatus; label: string }> = [
  { value: "SUBSCRIBED", label: "Subscribed" },
  { value: "UNSUBSCRIBED", label: "Unsubscribed" },
  { value: "NEVER_SUBSCRIBED", label: "Never subscribed" },
  { value: "PENDING", label: "Pending confirmation" },
];

const SCORE_CHOICES = ["1", "2", "3", "4", "5"].map((value) => ({ value, label: value }));

/** The fields the builder offers, in the order of its menu. */
export const FIELDS: ReadonlyArray<FieldSpec> = [
  { field: "TAG", label: "Tag", kind: "tag", operators: [...EQUALITY, ...SET], hint: "Exact, case-sensitive" },
  {
    field: "LIFECYCLE_STAGE",
    label: "Lifecycle stage",
    kind: "enum",
    operators: EQUALITY,
    choices: LIFECYCLE_STAGES,
  },
  { field: "RFM_SEGMENT", label: "RFM segment", kind: "enum", operators: [...EQUALITY, ...SET], choices: RFM_SEGMENTS },
  { field: "RFM_RECENCY", label: "Recency score", kind: "score", operators: [...NUMBER, "IN", "NOT_IN", ...SET], choices: SCORE_CHOICES },
  { field: "RFM_FREQUENCY", label: "Frequency score", kind: "score", operators: [...NUMBER, "IN", "NOT_IN", ...SET], choices: SCORE_CHOICES },
  { field: "RFM_MONETARY", label: "Monetary score", kind: "score", operators: [...NUMBER, "IN", "NOT_IN", ...SET], choices: SCORE_CHOICES },
  { field: "ORDERS_COUNT", label: "Orders placed", kind: "integer", operators: NUMBER },
  { field: "TOTAL_SPENT", label: "Total spent", kind: "money", operators: NUMBER, needsOrders: true, hint: "In the reporting currency" },
  {
    field: "AVERAGE_ORDER_VALUE",
    label: "Average order value",
    kind: "money",
    operators: NUMBER,
    needsOrders: true,
    hint: "In the reporting currency",
  },
  { field: "FIRST_ORDER_AT", label: "First order", kind: "date", operators: [...DAYS, ...ORDERING, ...SET] },
  { field: "LAST_ORDER_AT", label: "Last order", kind: "date", operators: [...DAYS, ...ORDERING, ...SET] },
  { field: "COUNTRY", label: "Country", kind: "country", operators: [...EQUALITY, ...SET], hint: "Two-letter code, such as DE" },
  { field: "CITY", label: "City", kind: "text", operators: [...EQUALITY, "CONTAINS", ...SET], hint: "Case-insensitive" },
  { field: "LANGUAGE", label: "Language", kind: "text", operators: [...EQUALITY, ...SET], hint: "Code, such as en or pt-BR" },
  { field: "CHANNEL", label: "Bought in channel", kind: "channel", operators: EQUALITY, needsOrders: true, hint: "Channel slug" },
  { field: "BOUGHT_PRODUCT", label: "Bought product", kind: "product", operators: EQUALITY, needsOrders: true },
  { field: "BOUGHT_CATEGORY", label: "Bought from category", kind: "category", operators: EQUALITY, needsOrders: true },
  {
    field: "IS_REGISTERED",
    label: "Account",
    kind: "boolean",
    operators: ["EQ"],
    choices: [
      { value: "true", label: "Registered" },
      { value: "false", label: "Guest" },
    ],
  },
  { field: "EMAIL_CONSENT", label: "Email consent", kind: "enum", operators: EQUALITY, choices: CONSENT_STATUSES },
  { field: "OPEN_TICKETS", label: "Open tickets", kind: "integer", operators: NUMBER },
  { field: "SATISFACTION", label: "Satisfaction", kind: "rating", operators: [...ORDERING, ...SET], hint: "Average rating, 1–5" },
];

const BY_FIELD = new Map(FIELDS.map((spec) => [spec.field, spec]));

export function fieldSpec(field: SegmentField): FieldSpec {
  const spec = BY_FIELD.get(field);
  if (!spec) throw new Error(`Unknown segment field ${field}`);
  return spec;
}

/** How many values an operator takes (the backend's ARITY). */
export type Arity = "one" | "list" | "pair" | "none";
export function arity(operator: SegmentOperator): Arity {
  switch (operator) {
    case "IN":
    case "NOT_IN":
      return "list";
    case "BETWEEN":
      return "pair";
    case "IS_SET":
    case "IS_NOT_SET":
      return "none";
    default:
      return "one";
  }
}

const OPERATOR_LABELS: Record<SegmentOperator, string> = {
  EQ: "is",
  NEQ: "is not",
  IN: "is any of",
  NOT_IN: "is none of",
  GT: "more than",
  GTE: "at least",
  LT: "less than",
  LTE: "at most",
  BETWEEN: "between",
  CONTAINS: "contains",
  IS_SET: "is set",
  IS_NOT_SET: "is not set",
  WITHIN_LAST_DAYS: "in the last … days",
  BEFORE_LAST_DAYS: "more than … days ago",
};

const KIND_OPERATOR_LABELS: Partial<Record<ValueKind, Partial<Record<SegmentOperator, string>>>> = {
  tag: {
    EQ: "has tag",
    NEQ: "does not have tag",
    IN: "has any of",
    NOT_IN: "has none of",
    IS_SET: "has any tag",
    IS_NOT_SET: "has no tag",
  },
  date: { EQ: "on", GT: "after", GTE: "on or after", LT: "before", LTE: "on or before", IS_SET: "ever", IS_NOT_SET: "never" },
  channel: { EQ: "bought in", NEQ: "never bought in", IN: "bought in any of", NOT_IN: "never bought in any of" },
  product: { EQ: "bought", NEQ: "never bought", IN: "bought any of", NOT_IN: "never bought any of" },
  category: { EQ: "bought from", NEQ: "never bought from", IN: "bought from any of", NOT_IN: "never bought from any of" },
};

export function operatorLabel(field: SegmentField, operator: SegmentOperator): string {
  return KIND_OPERATOR_LABELS[fieldSpec(field).kind]?.[operator] ?? OPERATOR_LABELS[operator];
}

// --- the form's model ---------------------------------------------------------

export interface RuleCondition {
  key: string;
  field: SegmentField;
  operator: SegmentOperator;
  /** One value (one-value operators; a number of days for WITHIN/BEFORE_LAST_DAYS). */
  value: string;
  /** Values chosen from a list (enum, score and boolean fields) or a pair (BETWEEN). */
  values: string[];
  /** Free-text lists as typed: "vip, wholesale". */
  text: string;
}

export interface RuleGroup {
  key: string;
  match: SegmentMatch;
  conditions: RuleCondition[];
  groups: RuleGroup[];
}

let lastKey = 0;
function nextKey(): string {
  lastKey += 1;
  return `r${lastKey}`;
}

/** Fields whose lists are picked from choices rather than typed. */
export function picksFromChoices(field: SegmentField): boolean {
  return Boolean(fieldSpec(field).choices);
}

export function newCondition(field: SegmentField = "TAG", operator?: SegmentOperator): RuleCondition {
  const spec = fieldSpec(field);
  const chosen = operator && spec.operators.includes(operator) ? operator : spec.operators[0]!;
  return { key: nextKey(), field, operator: chosen, value: defaultValue(spec, chosen), values: [], text: "" };
}

function defaultValue(spec: FieldSpec, operator: SegmentOperator): string {
  if (arity(operator) !== "one") return "";
  if (spec.kind === "boolean") return "true";
  if (operator === "WITHIN_LAST_DAYS" || operator === "BEFORE_LAST_DAYS") return "30";
  return "";
}

export function newGroup(match: SegmentMatch = "ALL", conditions: RuleCondition[] = []): RuleGroup {
  return { key: nextKey(), match, conditions, groups: [] };
}

/** A condition moved to another field: its first operator, no values. */
export function withField(condition: RuleCondition, field: SegmentField): RuleCondition {
  return { ...newCondition(field), key: condition.key };
}

/** A condition with another operator, keeping the values that still fit. */
export function withOperator(condition: RuleCondition, operator: SegmentOperator): RuleCondition {
  const before = arity(condition.operator);
  const after = arity(operator);
  const days = (op: SegmentOperator) => op === "WITHIN_LAST_DAYS" || op === "BEFORE_LAST_DAYS";
  if (before === after && days(condition.operator) === days(operator)) return { ...condition, operator };
  const spec = fieldSpec(condition.field);
  const next: RuleCondition = { ...condition, operator, value: defaultValue(spec, operator), values: [], text: "" };
  if (before === "one" && after === "list" && condition.value) {
    if (picksFromChoices(condition.field)) next.values = [condition.value];
    else next.text = condition.value;
  }
  if (before === "one" && after === "pair" && condition.value && !days(condition.operator)) {
    next.values = [condition.value, ""];
  }
  return next;
}

/** "vip, wholesale ,vip" → ["vip", "wholesale"]. */
export function splitList(text: string): string[] {
  const values: string[] = [];
  for (const raw of text.split(",")) {
    const value = raw.trim();
    if (value && !values.includes(value)) values.push(value);
  }
  return values;
}

function normalise(field: SegmentField, value: string): string {
  const trimmed = value.trim();
  return fieldSpec(field).kind === "country" ? trimmed.toUpperCase() : trimmed;
}

/** The condition as the API takes it. */
export function toConditionInput(condition: RuleCondition): SegmentConditionInput {
  const { field, operator } = condition;
  switch (arity(operator)) {
    case "one":
      return { field, operator, value: normalise(field, condition.value) };
    case "list":
      return {
        field,
        operator,
        values: picksFromChoices(field)
          ? [...condition.values]
          : splitList(condition.text).map((value) => normalise(field, value)),
      };
    case "pair":
      return { field, operator, values: [condition.values[0] ?? "", condition.values[1] ?? ""].map((v) => v.trim()) };
    case "none":
      return { field, operator };
  }
}

/** The whole tree as `SegmentRulesInput`. */
export function toRulesInput(group: RuleGroup): SegmentRulesInput {
  return {
    match: group.match,
    conditions: group.conditions.map(toConditionInput),
    groups: group.groups.map(toRulesInput),
  };
}

/** A saved segment's rules as the form's tree. */
export function fromRules(rules: SegmentRules): RuleGroup {
  return {
    key: nextKey(),
    match: rules.match,
    conditions: rules.conditions.map(fromCondition),
    groups: rules.groups.map(fromRules),
  };
}

function fromCondition(condition: SegmentCondition): RuleCondition {
  const base: RuleCondition = {
    key: nextKey(),
    field: condition.field,
    operator: condition.operator,
    value: "",
    values: [],
    text: "",
  };
  switch (arity(condition.operator)) {
    case "one":
      return { ...base, value: condition.value ?? "" };
    case "list":
      return picksFromChoices(condition.field)
        ? { ...base, values: [...(condition.values ?? [])] }
        : { ...base, text: (condition.values ?? []).join(", ") };
    case "pair":
      return { ...base, values: [condition.values?.[0] ?? "", condition.values?.[1] ?? ""] };
    case "none":
      return base;
  }
}

// --- checks -------------------------------------------------------------------

/** Problems keyed by path (`rules.groups.0.conditions.1`). */
export type RuleErrors = Record<string, string[]>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The primary key inside a Saleor global ID of `typeName`, or undefined. */
export function decodeGlobalId(value: string, typeName: string): string | undefined {
  try {
    const decoded = atob(value.trim());
    const [type, pk, ...rest] = decoded.split(":");
    if (type === typeName && pk && /^\d{1,20}$/.test(pk) && rest.length === 0) return pk;
  } catch {
    // not base64
  }
  return undefined;
}

/** What is wrong with one value of a field, as the backend would say; undefined when fine. */
export function checkValue(spec: FieldSpec, operator: SegmentOperator, raw: string): string | undefined {
  const value = raw.trim();
  if (!value) return "Enter a value.";
  if (value.length > MAX_TEXT) return `At most ${MAX_TEXT} characters.`;
  if (operator === "WITHIN_LAST_DAYS" || operator === "BEFORE_LAST_DAYS") {
    return /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= MAX_DAYS
      ? undefined
      : `A number of days from 1 to ${MAX_DAYS}.`;
  }
  switch (spec.kind) {
    case "score":
      return /^[1-5]$/.test(value) ? undefined : "A score from 1 to 5.";
    case "integer":
      return /^\d+$/.test(value) && Number(value) <= 2 ** 31 - 1 ? undefined : "A whole number, 0 or more.";
    case "money":
      return /^\d+(\.\d+)?$/.test(value) && Number(value) <= 1e17 ? undefined : "An amount, such as 120.50.";
    case "rating":
      return /^\d+(\.\d+)?$/.test(value) && Number(value) >= 1 && Number(value) <= 5
        ? undefined
        : "A rating from 1 to 5.";
    case "date": {
      if (!DATE.test(value)) return "A date, such as 2026-01-31.";
      const parsed = new Date(`${value}T00:00:00Z`);
      return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value
        ? "A date, such as 2026-01-31."
        : value < "1900-01-01" || value > "9999-01-01"
          ? "A date between 1900 and 9999."
          : undefined;
    }
    case "country":
      return /^[A-Za-z]{2}$/.test(value) ? undefined : "A two-letter country code, such as DE.";
    case "product":
      return decodeGlobalId(value, "Product") ? undefined : "The Saleor ID of a product (from its Dashboard page).";
    case "category":
      return decodeGlobalId(value, "Category") ? undefined : "The Saleor ID of a category (from its Dashboard page).";
    case "enum":
    case "boolean":
      return spec.choices?.some((choice) => choice.value === value) ? undefined : "Choose a value.";
    default:
      return undefined;
  }
}

function checkCondition(condition: RuleCondition): string | undefined {
  const spec = fieldSpec(condition.field);
  if (!spec.operators.includes(condition.operator)) return `${spec.label} cannot be compared that way.`;
  const input = toConditionInput(condition);
  switch (arity(condition.operator)) {
    case "one":
      return checkValue(spec, condition.operator, input.value ?? "");
    case "list": {
      const values = input.values ?? [];
      if (!values.length) return "Choose at least one value.";
      if (values.length > MAX_VALUES) return `At most ${MAX_VALUES} values.`;
      for (const value of values) {
        const problem = checkValue(spec, condition.operator, value);
        if (problem) return `${value}: ${problem}`;
      }
      return undefined;
    }
    case "pair": {
      const [low = "", high = ""] = input.values ?? [];
      const problem = checkValue(spec, condition.operator, low) ?? checkValue(spec, condition.operator, high);
      if (problem) return problem;
      const ordered = spec.kind === "date" ? low <= high : Number(low) <= Number(high);
      return ordered ? undefined : "The first value must not be above the second.";
    }
    case "none":
      return undefined;
  }
}

/** Every problem of the tree, on its path, before anything is sent. */
export function validateRules(root: RuleGroup): RuleErrors {
  const errors: RuleErrors = {};
  const add = (path: string, message: string) => {
    (errors[path] ??= []).push(message);
  };
  let conditions = 0;
  let groups = 0;
  const visit = (group: RuleGroup, path: string, depth: number) => {
    if (depth > 0 && !group.conditions.length && !group.groups.length) {
      add(path, "Add a condition to this group, or remove it.");
    }
    if (group.groups.length && depth >= MAX_DEPTH) add(path, `Groups nest at most ${MAX_DEPTH} levels deep.`);
    conditions += group.conditions.length;
    groups += group.groups.length;
    group.conditions.forEach((condition, index) => {
      const problem = checkCondition(condition);
      if (problem) add(`${path}.conditions.${index}`, problem);
    });
    group.groups.forEach((child, index) => visit(child, `${path}.groups.${index}`, depth + 1));
  };
  visit(root, "rules", 0);
  if (conditions > MAX_CONDITIONS) add("rules", `At most ${MAX_CONDITIONS} conditions in all; there are ${conditions}.`);
  if (groups > MAX_GROUPS) add("rules", `At most ${MAX_GROUPS} groups in all; there are ${groups}.`);
  return errors;
}

/**
 * Server errors on the condition or group of the form their path names:
 * `rules.groups.0.conditions.1` on that condition, `rules.groups.0.groups`
 * or `rules.groups.0.match` on the group, anything that names no element of
 * the tree (or no path) on the top level, `rules`.
 */
export function placeErrors(
  root: RuleGroup,
  errors: ReadonlyArray<{ field: string | null; message: string | null; code?: string }>,
): RuleErrors {
  const placed: RuleErrors = {};
  for (const error of errors) {
    const path = nearestElement(root, error.field ?? "rules");
    (placed[path] ??= []).push(error.message || "This rule is not valid.");
  }
  return placed;
}

function nearestElement(root: RuleGroup, field: string): string {
  const parts = field.split(".");
  if (parts[0] !== "rules") return "rules";
  let group = root;
  let path = "rules";
  for (let index = 1; index < parts.length; index += 2) {
    const kind = parts[index];
    const position = Number(parts[index + 1]);
    if (kind === "groups" && Number.isInteger(position) && group.groups[position]) {
      group = group.groups[position]!;
      path = `${path}.groups.${position}`;
    } else if (kind === "conditions" && Number.isInteger(position) && group.conditions[position]) {
      return `${path}.conditions.${position}`;
    } else {
      return path;
    }
  }
  return path;
}

/** How many conditions and groups a tree holds (for the limits' hint). */
export function treeSize(root: RuleGroup): { conditions: number; groups: number } {
  let conditions = root.conditions.length;
  let groups = root.groups.length;
  for (const child of root.groups) {
    const size = treeSize(child);
    conditions += size.conditions;
    groups += size.groups;
  }
  return { conditions, groups };
}

// --- edits by path ------------------------------------------------------------

/** The tree with the group at `path` replaced by what `change` makes of it. */
export function updateGroup(root: RuleGroup, path: string, change: (group: RuleGroup) => RuleGroup): RuleGroup {
  const parts = path.split(".").slice(1);
  const visit = (group: RuleGroup, rest: string[]): RuleGroup => {
    if (!rest.length) return change(group);
    const position = Number(rest[1]);
    return {
      ...group,
      groups: group.groups.map((child, index) => (index === position ? visit(child, rest.slice(2)) : child)),
    };
  };
  return visit(root, parts);
}

/** True if a tree uses conditions that need MANAGE_ORDERS. */
export function needsOrderPermission(root: RuleGroup): boolean {
  return (
    root.conditions.some((condition) => fieldSpec(condition.field).needsOrders) ||
    root.groups.some(needsOrderPermission)
  );
}
