import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { renderWithCrm } from "../../../test/render";
import { ORDER_ID, ticketSummary } from "../test/fixtures";
import { LogInteractionForm } from "./LogInteractionForm";
import { NewTicketForm } from "./NewTicketForm";
import { OrderTickets } from "./OrderTickets";

describe("NewTicketForm", () => {
  it("opens a ticket for the buyer about the order", async () => {
    const onCreated = vi.fn();
    const created = ticketSummary(9, { order: ORDER_ID });
    const { request, dashboard } = renderWithCrm(
      <NewTicketForm customerEmail="anna@example.com" orderId={ORDER_ID} onCreated={onCreated} />,
      () => ({ ticketCreate: { ticket: created, errors: [] } }),
    );
    fireEvent.change(screen.getByLabelText("Subject"), { target: { value: " Parcel damaged " } });
    fireEvent.change(screen.getByLabelText("What the customer needs"), { target: { value: "Called: box arrived crushed." } });
    fireEvent.change(screen.getByLabelText("Tags"), { target: { value: "damaged, refund" } });
    fireEvent.click(screen.getByRole("button", { name: "Open ticket" }));
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith(created));
    expect(request.mock.calls[0]?.[1]).toEqual({
      input: {
        customerEmail: "anna@example.com",
        subject: "Parcel damaged",
        body: "<p>Called: box arrived crushed.</p>",
        channel: "PHONE",
        priority: "NORMAL",
        order: ORDER_ID,
        tags: ["damaged", "refund"],
      },
    });
    expect(dashboard.notify).toHaveBeenCalledWith("success", "Ticket #1009 opened");
  });

  it("shows what is missing without sending", async () => {
    const { request } = renderWithCrm(<NewTicketForm customerEmail="anna@example.com" onCreated={vi.fn()} />, () => ({}));
    fireEvent.click(screen.getByRole("button", { name: "Open ticket" }));
    expect(await screen.findByText("Give the ticket a subject.")).toBeTruthy();
    expect(screen.getByText("Write what the customer needs.")).toBeTruthy();
    expect(request).not.toHaveBeenCalled();
  });
});

describe("LogInteractionForm", () => {
  it("logs a call on the customer's timeline", async () => {
    const { request } = renderWithCrm(<LogInteractionForm customerEmail="anna@example.com" />, () => ({
      interactionCreate: {
        interaction: { id: "I1", channel: "PHONE", direction: "INBOUND", subject: "Asked about beans", occurredAt: "2026-11-23T10:00:00Z" },
        created: true,
        errors: [],
      },
    }));
    fireEvent.change(screen.getByLabelText("Subject"), { target: { value: "Asked about beans" } });
    fireEvent.click(screen.getByRole("button", { name: "Log interaction" }));
    expect(await screen.findByText(/Logged/)).toBeTruthy();
    expect(request.mock.calls[0]?.[1]).toEqual({
      input: { customerEmail: "anna@example.com", channel: "PHONE", direction: "INBOUND", subject: "Asked about beans" },
    });
  });

  it("shows the server's errors", async () => {
    renderWithCrm(<LogInteractionForm customerEmail="anna@example.com" />, () => ({
      interactionCreate: { interaction: null, created: null, errors: [{ field: "order", code: "NOT_FOUND", message: "No such order." }] },
    }));
    fireEvent.change(screen.getByLabelText("Subject"), { target: { value: "Call" } });
    fireEvent.click(screen.getByRole("button", { name: "Log interaction" }));
    expect((await screen.findByRole("alert")).textContent).toBe("No such order.");
  });
});

describe("OrderTickets", () => {
  it("lists the order's tickets and opens them in the CRM app page", async () => {
    const { request, dashboard } = renderWithCrm(<OrderTickets orderId={ORDER_ID} customerEmail="anna@example.com" />, () => ({
      tickets: {
        totalCount: 1,
        pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
        edges: [{ cursor: "a", node: ticketSummary(3, { order: ORDER_ID }) }],
      },
    }));
    fireEvent.click(await screen.findByText("Question 3"));
    expect(request.mock.calls[0]?.[1]).toEqual({ orderId: ORDER_ID });
    expect(dashboard.openAppPage).toHaveBeenCalledWith(`/tickets/${encodeURIComponent(btoa("Ticket:3"))}`);
    expect(screen.getByRole("button", { name: "Open a ticket" })).toBeTruthy();
  });
});
