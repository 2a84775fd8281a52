// @vitest-environment node
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";

import { allDocuments, fragmentsFor } from "./documents";

/** The backend's exported SDL (kept current by the Python test suite). */
const schemaPath = resolve(__dirname, "../../../../../graphql/schema.graphql");

describe("webhook operation documents", () => {
  const schema = buildSchema(readFileSync(schemaPath, "utf8"));

  it.each(Object.entries(allDocuments))("%s is valid against the CRM schema", (name, document) => {
    expect(document.operationName).toBe(name);
    const errors = validate(schema, parse(document.query));
    expect(errors.map((error) => error.message)).toEqual([]);
  });

  it("sends the delivery fragment with the delivery log only", () => {
    expect(fragmentsFor(allDocuments.CrmWebhookDeliveries.query).map((f) => /fragment (\w+)/.exec(f)?.[1])).toEqual([
      "CrmWebhookDeliveryFields",
    ]);
  });
});
