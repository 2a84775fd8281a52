// @vitest-environment node
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

import { buildSchema, GraphQLEnumType } from "graphql";
import { describe, expect, it } from "vitest";

import {
  CHARGE_STATUS_LABELS,
  chargeStatusLabel,
  ORDER_STATUSES,
  orderStatusLabel,
  orderStatusTone,
} from "./labels";

const schemaPath = resolve(__dirname, "../../../../graphql/schema.graphql");

function enumValues(name: string): string[] {
  const schema = buildSchema(readFileSync(schemaPath, "utf8"));
  const type = schema.getType(name);
  expect(type).toBeInstanceOf(GraphQLEnumType);
  return (type as GraphQLEnumType).getValues().map((value) => value.name);
}

describe("order status labels", () => {
  it("name every value of the schema's order status enums", () => {
    expect(Object.keys(ORDER_STATUSES).sort()).toEqual(enumValues("OrderStatusEnum").sort());
    expect(Object.keys(CHARGE_STATUS_LABELS).sort()).toEqual(
      enumValues("CrmOrderChargeStatusEnum").sort(),
    );
  });

  it("say how much is paid, and nothing when the store did not say", () => {
    expect(chargeStatusLabel("FULL")).toBe("Paid");
    expect(chargeStatusLabel("PARTIAL")).toBe("Partly paid");
    expect(chargeStatusLabel(null)).toBe("");
  });

  it("reads as staff say it, with a tone per outcome", () => {
    expect(orderStatusLabel("PARTIALLY_FULFILLED")).toBe("Partially fulfilled");
    expect(orderStatusLabel("CANCELED")).toBe("Cancelled");
    expect(orderStatusTone("FULFILLED")).toBe("success1");
    expect(orderStatusTone("CANCELED")).toBe("critical1");
  });

  it("humanises a status a newer Saleor might add", () => {
    expect(orderStatusLabel("ON_HOLD")).toBe("On hold");
    expect(orderStatusTone("ON_HOLD")).toBe("info1");
  });
});
