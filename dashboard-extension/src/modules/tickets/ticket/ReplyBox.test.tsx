import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { renderWithCrm } from "../../../test/render";
import { ticketDetails } from "../test/fixtures";
import { ReplyBox } from "./ReplyBox";

const ticket = ticketDetails();
const sent = {
  ticket: null,
  message: { id: "M9", kind: "REPLY", authorKind: "STAFF", author: null, authorName: "Tom", body: "<p>Hi</p>", via: "EMAIL", createdAt: "2026-11-23T10:00:00Z", emailedAt: null },
  errors: [],
};

function type(text: string) {
  fireEvent.change(screen.getByLabelText("Message"), { target: { value: text } });
}

describe("ReplyBox", () => {
  it("replies with ticketReply, as HTML, and tells the Dashboard", async () => {
    const onSent = vi.fn();
    const { request, dashboard } = renderWithCrm(<ReplyBox ticket={ticket} onSent={onSent} />, () => ({ ticketReply: sent }));
    type("Hi Anna,\nit ships today.");
    fireEvent.click(screen.getByRole("button", { name: "Reply" }));
    await waitFor(() => expect(onSent).toHaveBeenCalled());
    expect(request).toHaveBeenCalledWith(expect.objectContaining({ operationName: "TicketReply" }), {
      id: ticket.id,
      input: { body: "<p>Hi Anna,<br>it ships today.</p>" },
    });
    expect(dashboard.notify).toHaveBeenCalledWith("success", "Reply sent");
    expect((screen.getByLabelText("Message") as HTMLTextAreaElement).value).toBe("");
  });

  it("solves the ticket with 'Reply and solve'", async () => {
    const { request } = renderWithCrm(<ReplyBox ticket={ticket} onSent={vi.fn()} />, () => ({ ticketReply: sent }));
    type("All sorted.");
    fireEvent.click(screen.getByRole("button", { name: "Reply and solve" }));
    await waitFor(() => expect(request).toHaveBeenCalled());
    expect(request.mock.calls[0]?.[1]).toEqual({ id: ticket.id, input: { body: "<p>All sorted.</p>", status: "SOLVED" } });
  });

  it("adds internal notes with ticketAddNote", async () => {
    const { request } = renderWithCrm(<ReplyBox ticket={ticket} onSent={vi.fn()} />, () => ({
      ticketAddNote: { ...sent, message: { ...sent.message, kind: "NOTE" } },
    }));
    type("Carrier says Monday.");
    fireEvent.click(screen.getByRole("button", { name: "Add note" }));
    await waitFor(() => expect(request).toHaveBeenCalled());
    expect(request.mock.calls[0]?.[0]).toMatchObject({ operationName: "TicketAddNote" });
    expect(request.mock.calls[0]?.[1]).toEqual({ id: ticket.id, body: "<p>Carrier says Monday.</p>" });
  });

  it("asks for text before sending anything", async () => {
    const { request } = renderWithCrm(<ReplyBox ticket={ticket} onSent={vi.fn()} />, () => ({}));
    fireEvent.click(screen.getByRole("button", { name: "Reply" }));
    expect(await screen.findByText("Write a reply first.")).toBeTruthy();
    expect(request).not.toHaveBeenCalled();
  });

  it("shows the server's field and ticket errors", async () => {
    renderWithCrm(<ReplyBox ticket={ticket} onSent={vi.fn()} />, () => ({
      ticketReply: {
        ticket: null,
        message: null,
        errors: [
          { field: "body", code: "REQUIRED", message: "Write a message." },
          { field: "ticket", code: "CLOSED", message: "This ticket is closed." },
        ],
      },
    }));
    type("<script></script>");
    fireEvent.click(screen.getByRole("button", { name: "Reply" }));
    expect(await screen.findByText("Write a message.")).toBeTruthy();
    expect(screen.getByRole("alert").textContent).toBe("This ticket is closed.");
  });

  it("only takes notes on closed tickets", () => {
    renderWithCrm(<ReplyBox ticket={{ ...ticket, status: "CLOSED" }} onSent={vi.fn()} />, () => ({}));
    expect((screen.getByRole("button", { name: "Reply" }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole("button", { name: "Add note" }) as HTMLButtonElement).disabled).toBe(false);
  });

  it("offers only notes once the customer was erased", async () => {
    const erased = ticketDetails({ requesterEmail: "erased-41@erased.invalid" });
    const { request } = renderWithCrm(<ReplyBox ticket={erased} onSent={vi.fn()} />, () => ({
      ticketAddNote: { ticket: null, message: { ...sent.message, kind: "NOTE" }, errors: [] },
    }));
    expect(screen.getByText("This customer's data was erased: there is nobody to reply to. Add an internal note instead.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Reply" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Reply and solve" })).toBeNull();
    type("Customer asked to be forgotten; closing.");
    fireEvent.submit(screen.getByLabelText("Message").closest("form")!);
    fireEvent.click(screen.getByRole("button", { name: "Add note" }));
    await waitFor(() => expect(request).toHaveBeenCalledTimes(1));
    expect(request.mock.calls[0]?.[0]).toEqual(expect.objectContaining({ operationName: "TicketAddNote" }));
  });
});

