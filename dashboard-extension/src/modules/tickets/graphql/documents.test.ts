// @vitest-environment node
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";

import { allDocuments, fragmentsFor, StaffUsers } from "./documents";

/** The backend's exported SDL (kept current by the Python test suite). */
const schemaPath = resolve(__dirname, "../../../../../graphql/schema.graphql");

describe("help desk operation documents", () => {
  const schema = buildSchema(readFileSync(schemaPath, "utf8"));

  it.each(Object.entries(allDocuments))("%s is valid against the CRM schema", (name, document) => {
    expect(document.operationName).toBe(name);
    const errors = validate(schema, parse(document.query));
    expect(errors.map((error) => error.message)).toEqual([]);
  });

  it("sends only the fragments an operation spreads, nested ones included", () => {
    const names = fragmentsFor("query Q { a { ...TicketDetailsFields } }").map(
      (fragment) => /fragment (\w+)/.exec(fragment)?.[1],
    );
    expect(names.sort()).toEqual(["TicketCustomer", "TicketDetailsFields", "TicketSummary"]);
  });

  it("asks Saleor for staff with a plain, parseable query", () => {
    expect(StaffUsers.operationName).toBe("StaffUsers");
    expect(() => parse(StaffUsers.query)).not.toThrow();
    expect(StaffUsers.query).toContain("staffUsers(first: 50)");
  });
});
