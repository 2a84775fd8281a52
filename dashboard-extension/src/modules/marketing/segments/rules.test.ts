import { describe, expect, it } from "vitest";

import type { SegmentRules } from "../graphql/types";
import {
  FIELDS,
  MAX_DEPTH,
  arity,
  decodeGlobalId,
  fromRules,
  newCondition,
  newGroup,
  operatorLabel,
  placeErrors,
  toRulesInput,
  updateGroup,
  validateRules,
  withField,
  withOperator,
  type RuleCondition,
  type RuleGroup,
} from "./rules";

const productId = btoa("Product:42");

function condition(partial: Partial<RuleCondition> & Pick<RuleCondition, "field" | "operator">): RuleCondition {
  return { ...newCondition(partial.field, partial.operator), ...partial };
}

describe("form → SegmentRulesInput", () => {
  it("sends one value, lists, pairs and no value as the operator takes them", () => {
    const root = newGroup("ALL", [
      condition({ field: "TAG", operator: "EQ", value: " vip " }),
      condition({ field: "TAG", operator: "IN", text: "vip, wholesale ,vip," }),
      condition({ field: "LIFECYCLE_STAGE", operator: "NOT_IN", values: ["LAPSED", "AT_RISK"] }),
      condition({ field: "TOTAL_SPENT", operator: "BETWEEN", values: ["100", " 500.50"] }),
      condition({ field: "LAST_ORDER_AT", operator: "WITHIN_LAST_DAYS", value: "30" }),
      condition({ field: "COUNTRY", operator: "IN", text: "de, at" }),
      condition({ field: "RFM_SEGMENT", operator: "IS_NOT_SET" }),
    ]);
    expect(toRulesInput(root)).toEqual({
      match: "ALL",
      conditions: [
        { field: "TAG", operator: "EQ", value: "vip" },
        { field: "TAG", operator: "IN", values: ["vip", "wholesale"] },
        { field: "LIFECYCLE_STAGE", operator: "NOT_IN", values: ["LAPSED", "AT_RISK"] },
        { field: "TOTAL_SPENT", operator: "BETWEEN", values: ["100", "500.50"] },
        { field: "LAST_ORDER_AT", operator: "WITHIN_LAST_DAYS", value: "30" },
        { field: "COUNTRY", operator: "IN", values: ["DE", "AT"] },
        { field: "RFM_SEGMENT", operator: "IS_NOT_SET" },
      ],
      groups: [],
    });
  });

  it("nests groups with their own match", () => {
    const root = newGroup("ALL", [condition({ field: "ORDERS_COUNT", operator: "GTE", value: "2" })]);
    root.groups = [newGroup("ANY", [condition({ field: "CITY", operator: "CONTAINS", value: "Ber" })])];
    expect(toRulesInput(root).groups).toEqual([
      { match: "ANY", conditions: [{ field: "CITY", operator: "CONTAINS", value: "Ber" }], groups: [] },
    ]);
  });

  it("reads saved rules back into the same input", () => {
    const saved: SegmentRules = {
      match: "ANY",
      conditions: [
        { field: "TAG", operator: "NOT_IN", value: null, values: ["spam", "test"] },
        { field: "EMAIL_CONSENT", operator: "EQ", value: "SUBSCRIBED", values: null },
        { field: "BOUGHT_PRODUCT", operator: "EQ", value: productId, values: null },
      ],
      groups: [
        {
          match: "ALL",
          conditions: [{ field: "FIRST_ORDER_AT", operator: "BETWEEN", value: null, values: ["2026-01-01", "2026-03-31"] }],
          groups: [
            { match: "ANY", conditions: [{ field: "IS_REGISTERED", operator: "EQ", value: "false", values: null }], groups: [] },
          ],
        },
      ],
    };
    const form = fromRules(saved);
    expect(form.conditions[0]!.text).toBe("spam, test");
    expect(toRulesInput(form)).toEqual({
      match: "ANY",
      conditions: [
        { field: "TAG", operator: "NOT_IN", values: ["spam", "test"] },
        { field: "EMAIL_CONSENT", operator: "EQ", value: "SUBSCRIBED" },
        { field: "BOUGHT_PRODUCT", operator: "EQ", value: productId },
      ],
      groups: [
        {
          match: "ALL",
          conditions: [{ field: "FIRST_ORDER_AT", operator: "BETWEEN", values: ["2026-01-01", "2026-03-31"] }],
          groups: [{ match: "ANY", conditions: [{ field: "IS_REGISTERED", operator: "EQ", value: "false" }], groups: [] }],
        },
      ],
    });
  });
});

describe("editing a condition", () => {
  it("starts a new field on its first operator with no values", () => {
    const moved = withField(condition({ field: "TAG", operator: "EQ", value: "vip" }), "LAST_ORDER_AT");
    expect(moved).toMatchObject({ field: "LAST_ORDER_AT", operator: "WITHIN_LAST_DAYS", value: "30", values: [] });
  });

  it("keeps a single value when the operator turns into a list or a range", () => {
    const tag = condition({ field: "TAG", operator: "EQ", value: "vip" });
    expect(withOperator(tag, "IN").text).toBe("vip");
    const stage = condition({ field: "LIFECYCLE_STAGE", operator: "EQ", value: "NEW" });
    expect(withOperator(stage, "IN").values).toEqual(["NEW"]);
    const spend = condition({ field: "TOTAL_SPENT", operator: "GT", value: "100" });
    expect(withOperator(spend, "BETWEEN").values).toEqual(["100", ""]);
    expect(withOperator(spend, "LTE").value).toBe("100");
  });

  it("does not carry a number of days into a date", () => {
    const recent = condition({ field: "LAST_ORDER_AT", operator: "WITHIN_LAST_DAYS", value: "30" });
    expect(withOperator(recent, "GT").value).toBe("");
    expect(withOperator(recent, "BEFORE_LAST_DAYS").value).toBe("30");
  });

  it("gives every field operators the backend accepts, labelled in words", () => {
    for (const spec of FIELDS) {
      expect(spec.operators.length).toBeGreaterThan(0);
      for (const operator of spec.operators) expect(operatorLabel(spec.field, operator)).not.toBe("");
    }
    expect(operatorLabel("TAG", "EQ")).toBe("has tag");
    expect(operatorLabel("LAST_ORDER_AT", "LT")).toBe("before");
    expect(arity("BETWEEN")).toBe("pair");
  });
});

describe("checks before sending", () => {
  it("puts each problem on the condition's path", () => {
    const root = newGroup("ALL", [
      condition({ field: "TAG", operator: "EQ", value: "" }),
      condition({ field: "ORDERS_COUNT", operator: "GT", value: "two" }),
      condition({ field: "TOTAL_SPENT", operator: "BETWEEN", values: ["500", "100"] }),
    ]);
    root.groups = [
      newGroup("ANY", [
        condition({ field: "COUNTRY", operator: "EQ", value: "Germany" }),
        condition({ field: "LAST_ORDER_AT", operator: "GT", value: "2026-02-30" }),
        condition({ field: "BOUGHT_PRODUCT", operator: "EQ", value: btoa("Category:4") }),
        condition({ field: "LAST_ORDER_AT", operator: "WITHIN_LAST_DAYS", value: "0" }),
        condition({ field: "LIFECYCLE_STAGE", operator: "IN", values: [] }),
      ]),
      newGroup("ALL"),
    ];
    const errors = validateRules(root);
    expect(Object.keys(errors).sort()).toEqual([
      "rules.conditions.0",
      "rules.conditions.1",
      "rules.conditions.2",
      "rules.groups.0.conditions.0",
      "rules.groups.0.conditions.1",
      "rules.groups.0.conditions.2",
      "rules.groups.0.conditions.3",
      "rules.groups.0.conditions.4",
      "rules.groups.1",
    ]);
    expect(errors["rules.conditions.2"]).toEqual(["The first value must not be above the second."]);
    expect(errors["rules.groups.0.conditions.0"]).toEqual(["A two-letter country code, such as DE."]);
    expect(errors["rules.groups.1"]).toEqual(["Add a condition to this group, or remove it."]);
  });

  it("accepts valid values of every kind, and an empty top level (everyone)", () => {
    expect(validateRules(newGroup())).toEqual({});
    const root = newGroup("ALL", [
      condition({ field: "SATISFACTION", operator: "GTE", value: "4.5" }),
      condition({ field: "BOUGHT_CATEGORY", operator: "IN", text: btoa("Category:7") }),
      condition({ field: "FIRST_ORDER_AT", operator: "LTE", value: "2026-01-31" }),
      condition({ field: "RFM_RECENCY", operator: "IN", values: ["4", "5"] }),
      condition({ field: "IS_REGISTERED", operator: "EQ", value: "true" }),
    ]);
    expect(validateRules(root)).toEqual({});
  });

  it("refuses groups deeper than the backend allows", () => {
    let root = newGroup("ALL", [condition({ field: "TAG", operator: "IS_SET" })]);
    let path = "rules";
    for (let depth = 0; depth <= MAX_DEPTH; depth += 1) {
      root = updateGroup(root, path, (group) => ({
        ...group,
        groups: [newGroup("ANY", [condition({ field: "TAG", operator: "IS_SET" })])],
      }));
      path = `${path}.groups.0`;
    }
    const errors = validateRules(root);
    expect(errors[`rules${".groups.0".repeat(MAX_DEPTH)}`]).toEqual([`Groups nest at most ${MAX_DEPTH} levels deep.`]);
  });

  it("decodes Saleor global IDs of the right type only", () => {
    expect(decodeGlobalId(productId, "Product")).toBe("42");
    expect(decodeGlobalId(productId, "Category")).toBeUndefined();
    expect(decodeGlobalId("not base64!", "Product")).toBeUndefined();
  });
});

describe("server errors on the form", () => {
  const tree = (): RuleGroup => {
    const root = newGroup("ALL", [condition({ field: "TAG", operator: "EQ", value: "vip" })]);
    root.groups = [newGroup("ANY", [condition({ field: "CITY", operator: "EQ", value: "x" })])];
    return root;
  };

  it("places an error on the condition, the group or the top level its path names", () => {
    const placed = placeErrors(tree(), [
      { field: "rules.groups.0.conditions.0", message: "Must not be empty.", code: "INVALID_VALUE" },
      { field: "rules.groups.0.groups", message: "Too deep.", code: "TOO_COMPLEX" },
      { field: "rules.conditions.0", message: "Unknown operator.", code: "INVALID_OPERATOR" },
      { field: "rules", message: "Too many conditions.", code: "TOO_COMPLEX" },
      { field: null, message: "Needs MANAGE_ORDERS.", code: "INVALID" },
    ]);
    expect(placed).toEqual({
      "rules.groups.0.conditions.0": ["Must not be empty."],
      "rules.groups.0": ["Too deep."],
      "rules.conditions.0": ["Unknown operator."],
      rules: ["Too many conditions.", "Needs MANAGE_ORDERS."],
    });
  });

  it("falls back to the nearest element that still exists", () => {
    const placed = placeErrors(tree(), [
      { field: "rules.groups.0.conditions.5", message: "Gone.", code: "INVALID" },
      { field: "rules.groups.3.conditions.0", message: "Gone too.", code: "INVALID" },
      { field: "name", message: "Name taken.", code: "UNIQUE" },
    ]);
    expect(placed).toEqual({ "rules.groups.0": ["Gone."], rules: ["Gone too.", "Name taken."] });
  });
});
