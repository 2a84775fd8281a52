import { describe, expect, it } from "vitest";

import {
  mutationFieldErrors,
  parseTags,
  refundInput,
  tokenMayIssueVouchers,
  validateInteraction,
  validateNewTicket,
  validateRefund,
  validateVoucher,
  VOUCHER_FIELDS,
  voucherDefaults,
  voucherInput,
} from "./forms";

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

const token = (claims: Record<string, unknown>) =>
  `e30.${btoa(JSON.stringify(claims)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_")}.sig`;

describe("validateVoucher", () => {
  const valid = voucherDefaults("default-channel");

  it("accepts the defaults: 10% for 30 days in the order's channel", () => {
    expect(valid).toMatchObject({ discountType: "PERCENTAGE", value: "10", validDays: "30", channel: "default-channel" });
    expect(validateVoucher(valid)).toEqual({});
  });

  it.each([
    [{ value: "" }, "value", "Say how much off."],
    [{ value: "12,5" }, "value", "Enter the value as a number, like 12.50."],
    [{ value: "0" }, "value", "Must be more than 0."],
    [{ value: "101" }, "value", "A percentage is at most 100."],
    [{ value: "1.0001" }, "value", "At most 3 decimal places."],
    [{ value: "1e30", discountType: "FIXED" as const }, "value", "Enter the value as a number, like 12.50."],
    [{ validDays: "0" }, "validDays", "From 1 to 365 days."],
    [{ validDays: "366" }, "validDays", "From 1 to 365 days."],
    [{ validDays: "7.5" }, "validDays", "Enter a whole number of days."],
    [{ channel: "  " }, "channel", "Name the channel it is valid in."],
    [{ minimumSpent: "-1" }, "minimumSpent", "Enter the minimum as a number, like 12.50."],
    [{ note: "x".repeat(2001) }, "note", "Notes are at most 2000 characters."],
  ])("%o is refused on %s", (change, field, message) => {
    expect(validateVoucher({ ...valid, ...change })).toEqual({ [field]: message });
  });

  it("allows a fixed amount above 100", () => {
    expect(validateVoucher({ ...valid, discountType: "FIXED", value: "150" })).toEqual({});
  });

  it("sends trimmed values, the days as a number, and leaves out empty optional fields", () => {
    expect(voucherInput({ ...valid, value: " 15 ", channel: " eu ", validDays: " 14 " })).toEqual({
      discountType: "PERCENTAGE",
      value: "15",
      validDays: 14,
      channel: "eu",
    });
    expect(voucherInput({ ...valid, minimumSpent: "50", note: " Sorry " })).toMatchObject({
      minimumSpent: "50",
      note: "Sorry",
    });
  });

  it("puts the server's typed errors on their fields", () => {
    const errors = mutationFieldErrors(
      [
        { field: "channel", code: "NOT_FOUND", message: "The store has no active channel with this slug." },
        { field: "id", code: "INVALID", message: "The ticket is unverified." },
      ],
      VOUCHER_FIELDS,
    );
    expect(errors).toEqual({
      channel: "The store has no active channel with this slug.",
      form: "The ticket is unverified.",
    });
  });
});

describe("validateRefund", () => {
  const total = { amount: 59.9, currency: "EUR" };

  it.each([
    ["", "Say how much to refund."],
    ["ten", "Enter the amount as a number, like 12.50."],
    ["0", "Must be more than 0."],
    ["59.91", "At most the order's total, 59.9 EUR."],
  ])("refuses %j", (amount, message) => {
    expect(validateRefund({ amount, reason: "" }, total)).toEqual({ amount: message });
  });

  it("accepts up to the order's total, and any amount when the total is unknown", () => {
    expect(validateRefund({ amount: "59.90", reason: "Late" }, total)).toEqual({});
    expect(validateRefund({ amount: "500", reason: "" }, undefined)).toEqual({});
  });

  it("sends the form's idempotency key with every attempt", () => {
    expect(refundInput({ amount: " 5 ", reason: " " }, "refund-1")).toEqual({ amount: "5", idempotencyKey: "refund-1" });
    expect(refundInput({ amount: "5", reason: "Late" }, "refund-1")).toEqual({
      amount: "5",
      reason: "Late",
      idempotencyKey: "refund-1",
    });
  });
});

describe("refund reasons", () => {
  const total = { amount: 59.9, currency: "EUR" };

  it("asks for one of the store's reasons when Saleor requires one", () => {
    expect(validateRefund({ amount: "5", reason: "", reasonReference: "" }, total, true)).toEqual({
      reasonReference: "Saleor asks for a refund reason: choose one.",
    });
    expect(validateRefund({ amount: "5", reason: "", reasonReference: "UGFnZTo3" }, total, true)).toEqual({});
    expect(validateRefund({ amount: "5", reason: "" }, total, false)).toEqual({});
  });

  it("sends the chosen reason, and none when none is chosen", () => {
    expect(refundInput({ amount: "5", reason: "Torn", reasonReference: "UGFnZTo3" }, "refund-1")).toEqual({
      amount: "5",
      reason: "Torn",
      reasonReference: "UGFnZTo3",
      idempotencyKey: "refund-1",
    });
    expect(refundInput({ amount: "5", reason: "", reasonReference: "" }, "refund-1")).toEqual({
      amount: "5",
      idempotencyKey: "refund-1",
    });
  });
});

describe("tokenMayIssueVouchers", () => {
  it("reads MANAGE_DISCOUNTS from the token's permissions", () => {
    expect(tokenMayIssueVouchers(token({ permissions: ["MANAGE_USERS", "MANAGE_DISCOUNTS"] }))).toBe(true);
    expect(tokenMayIssueVouchers(token({ permissions: ["MANAGE_USERS"] }))).toBe(false);
    expect(tokenMayIssueVouchers(token({}))).toBeUndefined();
    expect(tokenMayIssueVouchers(undefined)).toBeUndefined();
  });
});
