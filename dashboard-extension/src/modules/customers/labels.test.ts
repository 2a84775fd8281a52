// @vitest-environment node
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

import { buildSchema, GraphQLEnumType } from "graphql";
import { describe, expect, it } from "vitest";

import { ORDER_STATUSES, orderStatusLabel, orderStatusTone } from "./labels";

const schemaPath = resolve(__dirname, "../../../../graphql/schema.graphql");

describe("order status labels", () => {
  it("name every value of the schema's OrderStatusEnum", () => {
    const schema = buildSchema(readFileSync(schemaPath, "utf8"));
    const statusEnum = schema.getType("OrderStatusEnum");
    expect(statusEnum).toBeInstanceOf(GraphQLEnumType);
    const values = (statusEnum as GraphQLEnumType).getValues().map((value) => value.name);
    expect(Object.keys(ORDER_STATUSES).sort()).toEqual([...values].sort());
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
