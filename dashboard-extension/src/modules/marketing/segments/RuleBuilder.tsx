import { Box, Button, Input, Select, Text, type Option } from "@saleor/macaw-ui";

import { formatCountry } from "../../core/format";
import { useCrm } from "../../core/use-crm";
import type { SegmentField, SegmentMatch, SegmentOperator } from "../graphql/types";
import {
  FIELDS,
  MAX_DEPTH,
  arity,
  decodeGlobalId,
  fieldSpec,
  newCondition,
  newGroup,
  operatorLabel,
  splitList,
  updateGroup,
  withField,
  withOperator,
  type FieldSpec,
  type RuleCondition,
  type RuleErrors,
  type RuleGroup,
} from "./rules";

const fieldOptions: Option[] = FIELDS.map((spec) => ({ value: spec.field, label: spec.label }));
const matchOptions: Option[] = [
  { value: "ALL", label: "all of" },
  { value: "ANY", label: "any of" },
];

/**
 * The rule builder: a group says whether all or any of its conditions and
 * groups must hold; each condition is a field, an operator and a value
 * control that fits the field (choices, numbers, amounts, dates or "last N
 * days", country codes, channel slugs, Saleor product / category IDs).
 * Problems show on the condition or group their path names.
 */
export function RuleBuilder({
  root,
  onChange,
  errors,
  disabled = false,
}: {
  root: RuleGroup;
  onChange: (root: RuleGroup) => void;
  errors: RuleErrors;
  disabled?: boolean;
}) {
  return (
    <GroupEditor
      group={root}
      path="rules"
      depth={0}
      errors={errors}
      disabled={disabled}
      onChange={(path, change) => onChange(updateGroup(root, path, change))}
    />
  );
}

type GroupChange = (path: string, change: (group: RuleGroup) => RuleGroup) => void;

function GroupEditor({
  group,
  path,
  depth,
  errors,
  disabled,
  onChange,
  onRemove,
}: {
  group: RuleGroup;
  path: string;
  depth: number;
  errors: RuleErrors;
  disabled: boolean;
  onChange: GroupChange;
  onRemove?: () => void;
}) {
  const change = (update: (group: RuleGroup) => RuleGroup) => onChange(path, update);
  const groupErrors = errors[path];
  const empty = !group.conditions.length && !group.groups.length;
  return (
    <Box
      display="flex"
      flexDirection="column"
      gap={3}
      padding={depth ? 4 : 0}
      borderRadius={3}
      borderWidth={depth ? 1 : 0}
      borderStyle="solid"
      borderColor={groupErrors ? "critical1" : "default1"}
      backgroundColor={depth % 2 ? "default1Hovered" : "default1"}
      data-testid="rule-group"
      data-path={path}
      role="group"
      aria-label={depth ? `Group ${path}` : "Segment rules"}
    >
      <Box display="flex" alignItems="center" gap={2} flexWrap="wrap">
        <Text size={3}>{depth ? "Customers matching" : "Customers who match"}</Text>
        <Box __width="110px">
          <Select
            size="small"
            label="Match"
            options={matchOptions}
            value={matchOptions.find((option) => option.value === group.match) ?? null}
            disabled={disabled}
            onChange={(option: Option) => change((current) => ({ ...current, match: option.value as SegmentMatch }))}
          />
        </Box>
        <Text size={3}>{group.match === "ALL" ? "these conditions" : "these, at least one"}</Text>
        {onRemove && (
          <Box marginLeft="auto">
            <Button type="button" variant="tertiary" size="small" disabled={disabled} onClick={onRemove}>
              Remove group
            </Button>
          </Box>
        )}
      </Box>
      {empty && depth === 0 && (
        <Text size={2} color="default2">
          No conditions: the segment holds every customer.
        </Text>
      )}
      {group.conditions.map((condition, index) => (
        <ConditionRow
          key={condition.key}
          condition={condition}
          path={`${path}.conditions.${index}`}
          errors={errors[`${path}.conditions.${index}`]}
          disabled={disabled}
          onChange={(next) =>
            change((current) => ({
              ...current,
              conditions: current.conditions.map((item, position) => (position === index ? next : item)),
            }))
          }
          onRemove={() =>
            change((current) => ({
              ...current,
              conditions: current.conditions.filter((_, position) => position !== index),
            }))
          }
        />
      ))}
      {group.groups.map((child, index) => (
        <GroupEditor
          key={child.key}
          group={child}
          path={`${path}.groups.${index}`}
          depth={depth + 1}
          errors={errors}
          disabled={disabled}
          onChange={onChange}
          onRemove={() =>
            change((current) => ({ ...current, groups: current.groups.filter((_, position) => position !== index) }))
          }
        />
      ))}
      {groupErrors && <FieldProblems messages={groupErrors} />}
      <Box display="flex" gap={2}>
        <Button
          type="button"
          variant="secondary"
          size="small"
          disabled={disabled}
          onClick={() => change((current) => ({ ...current, conditions: [...current.conditions, newCondition()] }))}
        >
          Add condition
        </Button>
        {depth < MAX_DEPTH && (
          <Button
            type="button"
            variant="tertiary"
            size="small"
            disabled={disabled}
            onClick={() =>
              change((current) => ({
                ...current,
                groups: [...current.groups, newGroup(current.match === "ALL" ? "ANY" : "ALL", [newCondition()])],
              }))
            }
          >
            Add group
          </Button>
        )}
      </Box>
    </Box>
  );
}

function FieldProblems({ messages }: { messages: string[] }) {
  return (
    <Text size={2} color="critical1" role="alert">
      {messages.join(" ")}
    </Text>
  );
}

function ConditionRow({
  condition,
  path,
  errors,
  disabled,
  onChange,
  onRemove,
}: {
  condition: RuleCondition;
  path: string;
  errors: string[] | undefined;
  disabled: boolean;
  onChange: (condition: RuleCondition) => void;
  onRemove: () => void;
}) {
  const spec = fieldSpec(condition.field);
  const operatorOptions: Option[] = spec.operators.map((operator) => ({
    value: operator,
    label: operatorLabel(spec.field, operator),
  }));
  return (
    <Box display="flex" flexDirection="column" gap={1} data-testid="rule-condition" data-path={path}>
      <Box display="flex" gap={2} alignItems="flex-start" flexWrap="wrap">
        <Box __width="190px">
          <Select
            size="small"
            label="Field"
            options={fieldOptions}
            value={fieldOptions.find((option) => option.value === condition.field) ?? null}
            disabled={disabled}
            onChange={(option: Option) => onChange(withField(condition, option.value as SegmentField))}
          />
        </Box>
        <Box __width="180px">
          <Select
            size="small"
            label="Operator"
            options={operatorOptions}
            value={operatorOptions.find((option) => option.value === condition.operator) ?? null}
            disabled={disabled}
            onChange={(option: Option) => onChange(withOperator(condition, option.value as SegmentOperator))}
          />
        </Box>
        <Box __flex="1 1 220px" __minWidth="200px">
          <ValueControl spec={spec} condition={condition} invalid={Boolean(errors)} disabled={disabled} onChange={onChange} />
        </Box>
        <Button
          type="button"
          variant="tertiary"
          size="small"
          disabled={disabled}
          onClick={onRemove}
          aria-label={`Remove condition ${spec.label}`}
          title="Remove condition"
        >
          Remove
        </Button>
      </Box>
      {errors ? (
        <FieldProblems messages={errors} />
      ) : (
        spec.hint && (
          <Text size={1} color="default2">
            {spec.label}: {spec.hint.toLowerCase()}
            {spec.needsOrders ? "; needs the Manage orders permission in all channels" : ""}
          </Text>
        )
      )}
    </Box>
  );
}

function inputType(
  spec: FieldSpec,
  operator: SegmentOperator,
): { type: "number" | "date" | "text"; step?: string; min?: string } {
  if (operator === "WITHIN_LAST_DAYS" || operator === "BEFORE_LAST_DAYS") return { type: "number", step: "1", min: "1" };
  switch (spec.kind) {
    case "integer":
      return { type: "number", step: "1", min: "0" };
    case "money":
      return { type: "number", step: "0.01", min: "0" };
    case "rating":
      return { type: "number", step: "0.1", min: "1" };
    case "date":
      return { type: "date" };
    default:
      return { type: "text" };
  }
}

function valueLabel(spec: FieldSpec, operator: SegmentOperator): string {
  if (operator === "WITHIN_LAST_DAYS" || operator === "BEFORE_LAST_DAYS") return "Days";
  switch (spec.kind) {
    case "money":
      return "Amount";
    case "date":
      return "Date";
    case "country":
      return "Country code";
    case "channel":
      return "Channel slug";
    case "product":
      return "Product ID";
    case "category":
      return "Category ID";
    case "tag":
      return "Tag";
    default:
      return "Value";
  }
}

function ValueControl({
  spec,
  condition,
  invalid,
  disabled,
  onChange,
}: {
  spec: FieldSpec;
  condition: RuleCondition;
  invalid: boolean;
  disabled: boolean;
  onChange: (condition: RuleCondition) => void;
}) {
  const { locale } = useCrm();
  const kind = arity(condition.operator);
  if (kind === "none") return null;
  const label = valueLabel(spec, condition.operator);
  const days = condition.operator === "WITHIN_LAST_DAYS" || condition.operator === "BEFORE_LAST_DAYS";
  const choices = spec.choices && !days ? spec.choices.map(({ value, label }) => ({ value, label })) : undefined;

  if (kind === "list" && choices) {
    return (
      <Box display="flex" flexWrap="wrap" gap={1} role="group" aria-label={`${spec.label} values`}>
        {choices.map((choice) => {
          const on = condition.values.includes(choice.value);
          return (
            <Button
              key={choice.value}
              type="button"
              size="small"
              variant={on ? "primary" : "secondary"}
              aria-pressed={on}
              disabled={disabled}
              onClick={() =>
                onChange({
                  ...condition,
                  values: on
                    ? condition.values.filter((value) => value !== choice.value)
                    : [...condition.values, choice.value],
                })
              }
            >
              {choice.label}
            </Button>
          );
        })}
      </Box>
    );
  }
  if (kind === "list") {
    const values = splitList(condition.text);
    return (
      <Input
        size="small"
        label={`${label}s, separated by commas`}
        value={condition.text}
        error={invalid}
        disabled={disabled}
        helperText={describeValues(spec, values, locale)}
        onChange={(event) => onChange({ ...condition, text: event.target.value })}
      />
    );
  }
  if (kind === "pair") {
    const [low = "", high = ""] = condition.values;
    const set = (index: number, value: string) => {
      const next = [low, high];
      next[index] = value;
      onChange({ ...condition, values: next });
    };
    if (choices) {
      return (
        <Box display="flex" gap={2} alignItems="center">
          <ChoiceSelect label="From" choices={choices} value={low} disabled={disabled} onChange={(value) => set(0, value)} />
          <Text size={2}>and</Text>
          <ChoiceSelect label="To" choices={choices} value={high} disabled={disabled} onChange={(value) => set(1, value)} />
        </Box>
      );
    }
    const typed = inputType(spec, condition.operator);
    return (
      <Box display="flex" gap={2} alignItems="center">
        <Input size="small" label={`${label}, from`} {...typed} value={low} error={invalid} disabled={disabled} onChange={(event) => set(0, event.target.value)} />
        <Text size={2}>and</Text>
        <Input size="small" label="to" {...typed} value={high} error={invalid} disabled={disabled} onChange={(event) => set(1, event.target.value)} />
      </Box>
    );
  }
  if (choices) {
    return (
      <ChoiceSelect
        label={label}
        choices={choices}
        value={condition.value}
        disabled={disabled}
        onChange={(value) => onChange({ ...condition, value })}
      />
    );
  }
  return (
    <Input
      size="small"
      label={label}
      {...inputType(spec, condition.operator)}
      value={condition.value}
      error={invalid}
      disabled={disabled}
      helperText={describeValues(spec, condition.value ? [condition.value] : [], locale)}
      onChange={(event) => onChange({ ...condition, value: event.target.value })}
    />
  );
}

/** What typed values stand for: country names, decoded product and category IDs. */
function describeValues(spec: FieldSpec, values: string[], locale?: string): string | undefined {
  if (!values.length) return undefined;
  if (spec.kind === "country") {
    return values
      .filter((value) => /^[A-Za-z]{2}$/.test(value.trim()))
      .map((value) => formatCountry(value.trim().toUpperCase(), locale))
      .join(", ") || undefined;
  }
  if (spec.kind === "product" || spec.kind === "category") {
    const typeName = spec.kind === "product" ? "Product" : "Category";
    return values
      .map((value) => decodeGlobalId(value, typeName))
      .filter(Boolean)
      .map((pk) => `${typeName} #${pk}`)
      .join(", ") || undefined;
  }
  return undefined;
}

function ChoiceSelect({
  label,
  choices,
  value,
  disabled,
  onChange,
}: {
  label: string;
  choices: Option[];
  value: string;
  disabled: boolean;
  onChange: (value: string) => void;
}) {
  return (
    <Select
      size="small"
      label={label}
      options={choices}
      value={choices.find((option) => option.value === value) ?? null}
      disabled={disabled}
      onChange={(option: Option) => onChange(option.value)}
    />
  );
}
