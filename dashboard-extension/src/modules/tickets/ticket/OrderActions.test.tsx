import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderWithCrm } from "../../../test/render";
import type { TicketDetails, TicketRefund, TicketVoucher } from "../graphql/types";
import { ticketDetails } from "../test/fixtures";
import { OrderActionsCard, RefundList, refundDetail, upsertRefund, VoucherList, voucherTerms } from "./OrderActions";

const VOUCHER: TicketVoucher = {
  id: "V1",
  code: "ABCD-EF12-3456",
  expiresAt: "2026-12-20T10:00:00Z",
  discountType: "PERCENTAGE",
  value: "15",
  currency: "EUR",
  channel: "default-channel",
  minimumSpent: null,
  note: "Sorry for the wait",
  issuedByName: "Anna Nowak",
  createdAt: "2026-11-20T10:00:00Z",
};

const REFUND: TicketRefund = {
  id: "R1",
  amount: { amount: 12.5, currency: "EUR" },
  reason: "Late",
  status: "STARTED",
  storeStatus: "success",
  storeErrors: [],
  kind: "payment",
  requestedByName: "Anna Nowak",
  createdAt: "2026-11-20T10:00:00Z",
};

/** The card with the page's state: what onChange does to the ticket is rendered. */
function Page({ initial }: { initial: TicketDetails }) {
  const [ticket, setTicket] = useState(initial);
  return <OrderActionsCard ticket={ticket} onChange={(update) => setTicket(update)} />;
}

afterEach(() => vi.unstubAllGlobals());

describe("voucher and refund lines", () => {
  it("says what a voucher takes off", () => {
    expect(voucherTerms(VOUCHER, "en-US")).toBe("15% off");
    expect(voucherTerms({ ...VOUCHER, discountType: "FIXED", value: "5.000" }, "en-US")).toBe("€5.00 off");
    expect(voucherTerms({ ...VOUCHER, discountType: "FIXED", value: "5", currency: null }, "en-US")).toBe("5 off");
  });

  it("lists vouchers with their code, terms and expiry, and copies a code", async () => {
    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal("navigator", { ...navigator, clipboard: { writeText } });
    const { dashboard } = renderWithCrm(<VoucherList vouchers={[VOUCHER]} />, () => ({}));
    const line = screen.getByTestId("ticket-voucher");
    expect(within(line).getByTestId("voucher-code").textContent).toBe("ABCD-EF12-3456");
    expect(line.textContent).toContain("15% off · default-channel");
    expect(line.textContent).toContain("Valid until");
    expect(line.textContent).toContain("Sorry for the wait");
    fireEvent.click(within(line).getByRole("button", { name: "Copy ABCD-EF12-3456" }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith("ABCD-EF12-3456"));
    expect(dashboard.notify).toHaveBeenCalledWith("success", "Code copied", "ABCD-EF12-3456");
  });

  it("lists refunds with amount and status, and what Saleor said", () => {
    const failed: TicketRefund = {
      ...REFUND,
      id: "R2",
      status: "FAILED",
      storeStatus: null,
      storeErrors: [{ field: "amount", code: "AMOUNT_TOO_HIGH", message: "Amount too high." }],
    };
    renderWithCrm(<RefundList refunds={[REFUND, failed]} />, () => ({}));
    const [started, refused] = screen.getAllByTestId("ticket-refund").map((line) => line.textContent ?? "");
    expect(started).toContain("€12.50");
    expect(started).toContain("Started");
    expect(started).toContain("Saleor: success");
    expect(refused).toContain("Failed");
    expect(refused).toContain("Amount too high.");
    expect(refundDetail({ ...REFUND, status: "REQUESTED", storeStatus: null })).toMatch(/check the order in Saleor/);
  });

  it("replaces a retried refund instead of listing it twice", () => {
    const retried = { ...REFUND, status: "STARTED" as const };
    expect(upsertRefund([{ ...REFUND, status: "FAILED" }], retried)).toEqual([retried]);
    expect(upsertRefund(null, REFUND)).toEqual([REFUND]);
  });
});

describe("OrderActionsCard", () => {
  it("issues a voucher in the ticket's order's channel and lists it", async () => {
    const handler = vi.fn((operation: string) => {
      expect(operation).toBe("TicketIssueVoucher");
      return { ticketIssueVoucher: { voucher: VOUCHER, ticket: { id: "T1", updatedAt: "2026-11-20T12:00:00Z" }, errors: [] } };
    });
    const { request, dashboard } = renderWithCrm(<Page initial={ticketDetails()} />, handler);

    fireEvent.click(screen.getByRole("button", { name: "Issue voucher" }));
    const form = screen.getByRole("form", { name: "Issue voucher" });
    expect((within(form).getByLabelText("Channel") as HTMLInputElement).value).toBe("default-channel");
    fireEvent.change(within(form).getByLabelText("Percent off"), { target: { value: "15" } });
    fireEvent.change(within(form).getByLabelText("Note (optional)"), { target: { value: "Sorry for the wait" } });
    fireEvent.click(within(form).getByRole("button", { name: "Issue voucher" }));

    expect(await screen.findByTestId("ticket-voucher")).toBeTruthy();
    expect(request.mock.calls[0]?.[1]).toEqual({
      id: ticketDetails().id,
      input: { discountType: "PERCENTAGE", value: "15", validDays: 30, channel: "default-channel", note: "Sorry for the wait" },
    });
    expect(dashboard.notify).toHaveBeenCalledWith("success", "Voucher issued", "ABCD-EF12-3456");
    expect(screen.queryByRole("form", { name: "Issue voucher" })).toBeNull();
  });

  it("shows the server's typed errors on their fields and keeps the form", async () => {
    renderWithCrm(<Page initial={ticketDetails()} />, () => ({
      ticketIssueVoucher: {
        voucher: null,
        ticket: null,
        errors: [{ field: "channel", code: "NOT_FOUND", message: "The store has no active channel with this slug." }],
      },
    }));
    fireEvent.click(screen.getByRole("button", { name: "Issue voucher" }));
    const form = screen.getByRole("form", { name: "Issue voucher" });
    fireEvent.change(within(form).getByLabelText("Channel"), { target: { value: "nowhere" } });
    fireEvent.click(within(form).getByRole("button", { name: "Issue voucher" }));
    expect(await within(form).findByText("The store has no active channel with this slug.")).toBeTruthy();
    expect(screen.queryByTestId("ticket-voucher")).toBeNull();
  });

  it("checks the terms before asking the server", () => {
    const { request } = renderWithCrm(<Page initial={ticketDetails()} />, () => ({}));
    fireEvent.click(screen.getByRole("button", { name: "Issue voucher" }));
    const form = screen.getByRole("form", { name: "Issue voucher" });
    fireEvent.change(within(form).getByLabelText("Valid days"), { target: { value: "400" } });
    fireEvent.click(within(form).getByRole("button", { name: "Issue voucher" }));
    expect(within(form).getByText("From 1 to 365 days.")).toBeTruthy();
    expect(request).not.toHaveBeenCalled();
  });

  it("offers a refund only with a linked order and the refunds the API shows", () => {
    const { unmount } = renderWithCrm(<Page initial={ticketDetails({ refunds: null })} />, () => ({}));
    expect(screen.queryByRole("button", { name: "Refund order" })).toBeNull();
    expect(screen.getByText("Refunds need the Manage orders permission.")).toBeTruthy();
    unmount();
    const { unmount: again } = renderWithCrm(<Page initial={ticketDetails({ order: null })} />, () => ({}));
    expect(screen.queryByRole("button", { name: "Refund order" })).toBeNull();
    again();
    renderWithCrm(<Page initial={ticketDetails()} />, () => ({}));
    expect(screen.getByRole("button", { name: "Refund order" })).toBeTruthy();
  });

  it("offers no voucher on an unverified ticket", () => {
    renderWithCrm(<Page initial={ticketDetails({ customer: null, order: null })} />, () => ({}));
    expect(screen.queryByRole("button", { name: "Issue voucher" })).toBeNull();
    expect(screen.getByText("Vouchers can be issued once the requester has verified their email.")).toBeTruthy();
  });

  it("shows the typed 'needs Saleor' error in the refund form", async () => {
    renderWithCrm(<Page initial={ticketDetails()} />, () => ({
      ticketRefundOrder: {
        refund: null,
        ticket: null,
        errors: [{ field: null, code: "UNAVAILABLE", message: "Refunds need Saleor: the CRM runs without a store here." }],
      },
    }));
    fireEvent.click(screen.getByRole("button", { name: "Refund order" }));
    const form = screen.getByRole("form", { name: "Refund order" });
    fireEvent.change(within(form).getByLabelText("Amount (EUR)"), { target: { value: "10" } });
    fireEvent.click(within(form).getByRole("button", { name: "Refund order" }));
    expect((await within(form).findByRole("alert")).textContent).toBe(
      "Refunds need Saleor: the CRM runs without a store here.",
    );
    expect(screen.queryByTestId("ticket-refund")).toBeNull();
  });

  it("lists a refund Saleor refused, with its error on the amount, and retries with the same key", async () => {
    const failed: TicketRefund = {
      ...REFUND,
      status: "FAILED",
      storeStatus: null,
      storeErrors: [{ field: "amount", code: "AMOUNT_TOO_HIGH", message: "Amount too high." }],
    };
    const answers = [
      {
        ticketRefundOrder: {
          refund: failed,
          ticket: { id: "T1", updatedAt: "2026-11-20T12:00:00Z" },
          errors: [{ field: "amount", code: "CANNOT_REFUND", message: "Saleor refused the refund: Amount too high." }],
        },
      },
      { ticketRefundOrder: { refund: REFUND, ticket: { id: "T1", updatedAt: "2026-11-20T12:01:00Z" }, errors: [] } },
    ];
    const { request } = renderWithCrm(<Page initial={ticketDetails()} />, (name) =>
      name === "TicketRefundReasons" ? { ticketRefundReasons: { required: false, reasons: [] } } : answers.shift(),
    );
    fireEvent.click(screen.getByRole("button", { name: "Refund order" }));
    const form = screen.getByRole("form", { name: "Refund order" });
    fireEvent.change(within(form).getByLabelText("Amount (EUR)"), { target: { value: "12.50" } });
    fireEvent.click(within(form).getByRole("button", { name: "Refund order" }));

    expect(await within(form).findByText("Saleor refused the refund: Amount too high.")).toBeTruthy();
    expect(screen.getByTestId("ticket-refund").textContent).toContain("Failed");

    fireEvent.click(within(form).getByRole("button", { name: "Refund order" }));
    await waitFor(() => expect(screen.getByTestId("ticket-refund").textContent).toContain("Started"));
    expect(screen.getAllByTestId("ticket-refund")).toHaveLength(1);
    const keys = request.mock.calls
      .filter((call) => call[0].operationName === "TicketRefundOrder")
      .map((call) => (call[1] as { input: { idempotencyKey: string } }).input.idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^refund-/);
    expect(keys[1]).toBe(keys[0]);
    expect(screen.queryByRole("form", { name: "Refund order" })).toBeNull();
  });

  it("asks for one of the store's refund reasons when Saleor requires one, and sends it", async () => {
    const reasons = {
      ticketRefundReasons: {
        required: true,
        reasons: [
          { id: "UGFnZTo3", title: "Damaged item" },
          { id: "UGFnZTo4", title: "Package lost" },
        ],
      },
    };
    const started = { ...REFUND, reasonTitle: "Package lost" };
    const { request } = renderWithCrm(<Page initial={ticketDetails()} />, (name) =>
      name === "TicketRefundReasons"
        ? reasons
        : { ticketRefundOrder: { refund: started, ticket: { id: "T1", updatedAt: "2026-11-20T12:00:00Z" }, errors: [] } },
    );
    fireEvent.click(screen.getByRole("button", { name: "Refund order" }));
    const form = screen.getByRole("form", { name: "Refund order" });
    fireEvent.change(within(form).getByLabelText("Amount (EUR)"), { target: { value: "12.50" } });
    await within(form).findByLabelText("Refund reason");
    fireEvent.click(within(form).getByRole("button", { name: "Refund order" }));
    expect(await within(form).findByText("Saleor asks for a refund reason: choose one.")).toBeTruthy();
    expect(request.mock.calls.filter((call) => call[0].operationName === "TicketRefundOrder")).toHaveLength(0);

    fireEvent.click(within(form).getByLabelText("Refund reason"));
    fireEvent.click(await screen.findByRole("option", { name: "Package lost" }));
    fireEvent.click(within(form).getByRole("button", { name: "Refund order" }));

    await waitFor(() => expect(screen.getByTestId("ticket-refund").textContent).toContain("Package lost"));
    const [call] = request.mock.calls.filter((entry) => entry[0].operationName === "TicketRefundOrder");
    expect((call?.[1] as { input: { reasonReference?: string } }).input.reasonReference).toBe("UGFnZTo4");
  });
});
