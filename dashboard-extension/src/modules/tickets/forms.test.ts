import { describe, expect, it } from "vitest";

import { mutationFieldErrors, parseTags, validateInteraction, validateNewTicket } from "./forms";

describe("mutationFieldErrors", () => {
  it("puts errors on the fields the form has and the rest on the form", () => {
    expect(
      mutationFieldErrors(
        [
          { field: "body", code: "REQUIRED", message: "Write a message." },
          { field: "ticket", code: "CLOSED", message: "This ticket is closed." },
          { field: null, code: "INVALID", message: null },
        ],
        ["body"],
      ),
    ).toEqual({ body: "Write a message.", form: "This ticket is closed. This value is not valid." });
  });
});

describe("validateNewTicket", () => {
  it("needs a subject, a message and the customer's email", () => {
    expect(validateNewTicket({ subject: "", body: "" }, "anna@example.com")).toEqual({
      subject: "Give the ticket a subject.",
      body: "Write what the customer needs.",
    });
    expect(validateNewTicket({ subject: "Late parcel", body: "Called about it" }, "")).toHaveProperty("customerEmail");
    expect(validateNewTicket({ subject: "x".repeat(256), body: "b" }, "a@b.co").subject).toMatch(/255/);
    expect(validateNewTicket({ subject: "Late parcel", body: "Called about it" }, "anna@example.com")).toEqual({});
  });
});

describe("validateInteraction", () => {
  const now = new Date("2026-11-23T12:00:00Z");

  it("needs a subject or notes", () => {
    expect(validateInteraction({ subject: "", body: " ", occurredAt: "" }, "a@b.co", now).body).toBeDefined();
    expect(validateInteraction({ subject: "Called back", body: "", occurredAt: "" }, "a@b.co", now)).toEqual({});
  });

  it("refuses times in the future", () => {
    expect(validateInteraction({ subject: "Call", body: "", occurredAt: "2026-11-24T10:00" }, "a@b.co", now).occurredAt).toBe(
      "That is in the future.",
    );
    expect(validateInteraction({ subject: "Call", body: "", occurredAt: "2026-11-22T10:00" }, "a@b.co", now)).toEqual({});
  });
});

describe("parseTags", () => {
  it("splits on commas, trims and drops repeats", () => {
    expect(parseTags("refund, damaged ,refund,, ")).toEqual(["refund", "damaged"]);
  });
});
