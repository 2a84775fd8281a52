import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { renderWithCrm } from "../../../test/render";
import { appPaths } from "../../core/routes";
import { UNKNOWN_SENDER_DETAIL, UNVERIFIED_DETAIL } from "../components";
import { ME_ID, ORDER_ID, ticketDetails } from "../test/fixtures";
import { appendMessage, mergeTicket, TicketPage } from "./TicketPage";

describe("TicketPage", () => {
  it("shows the conversation with notes set apart, and the customer, order, SLA and rating", async () => {
    const ticket = ticketDetails();
    const { container, navigate, dashboard } = renderWithCrm(<TicketPage ticketId={ticket.id} />, () => ({ ticket }));
    expect(await screen.findByText("#1001 Question 1")).toBeTruthy();
    expect(screen.getByText("Where is my parcel?")).toBeTruthy();
    const kinds = [...container.querySelectorAll("[data-kind]")].map((node) => node.getAttribute("data-kind"));
    expect(kinds).toEqual(["customer-reply", "staff-reply", "note"]);
    expect(screen.getByText("Internal note")).toBeTruthy();
    expect(screen.getByText("#42")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Open order" }));
    expect(dashboard.openOrder).toHaveBeenCalledWith(ORDER_ID);
    fireEvent.click(screen.getByRole("button", { name: "CRM profile" }));
    expect(navigate).toHaveBeenCalledWith(`/app/customers/${encodeURIComponent(ticket.customer!.id)}`);
    expect(screen.getByText("First reply")).toBeTruthy();
    expect(screen.getByText(/rates 4.5 \/ 5 on average/)).toBeTruthy();
  });

  it("assigns the ticket to the signed-in member when Saleor's staff list is not available", async () => {
    const ticket = ticketDetails();
    const { request } = renderWithCrm(
      <TicketPage ticketId={ticket.id} />,
      (name) =>
        name === "TicketAssign"
          ? { ticketAssign: { ticket: { id: ticket.id, assignee: ME_ID, updatedAt: "2026-11-23T10:00:00Z" }, errors: [] } }
          : { ticket },
      undefined,
      { userId: ME_ID },
    );
    // The button waits for the token to say who is signed in; a click before that does nothing.
    const assignToMe = await screen.findByRole("button", { name: "Assign to me" });
    await waitFor(() => expect((assignToMe as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(assignToMe);
    await waitFor(() =>
      expect(request).toHaveBeenCalledWith(expect.objectContaining({ operationName: "TicketAssign" }), {
        id: ticket.id,
        assignee: ME_ID,
      }),
    );
    expect(await screen.findByText("You")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Unassign" })).toBeTruthy();
  });

  it("flags a ticket opened by mail from an unknown sender and links the ticket that mail answered", async () => {
    const answered = btoa("Ticket:7");
    const ticket = ticketDetails({ fromUnknownSender: true, senderRepliedTo: answered, requesterEmail: "bob@example.com" });
    const { navigate } = renderWithCrm(<TicketPage ticketId={ticket.id} />, () => ({ ticket }));
    const chip = await screen.findByTestId("unknown-sender");
    expect(chip.textContent).toBe("Unknown sender");
    expect(chip.querySelector("[title]")?.getAttribute("title")).toBe(UNKNOWN_SENDER_DETAIL);
    expect(screen.getByText(/Replies here go to bob@example.com only\./)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Open the ticket it answered" }));
    expect(navigate).toHaveBeenCalledWith(appPaths.ticket(answered));
  });

  it("flags an unverified ticket and shows no customer's profile or orders", async () => {
    const ticket = ticketDetails({
      isVerified: false,
      verifiedAt: null,
      requesterEmail: "ann@example.com",
      order: null,
      customer: null,
    });
    renderWithCrm(<TicketPage ticketId={ticket.id} />, () => ({ ticket }));
    const chip = await screen.findByTestId("unverified");
    expect(chip.textContent).toBe("Unverified email");
    expect(chip.querySelector("[title]")?.getAttribute("title")).toBe(UNVERIFIED_DETAIL);
    expect(screen.getByTestId("unverified-notice").textContent).toContain(
      "nobody has proven ann@example.com is theirs yet",
    );
    expect(screen.getByTestId("unverified-customer").textContent).toContain("ann@example.com");
    expect(screen.getByText(/ann@example.com \(not verified\)/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "CRM profile" })).toBeNull();
    expect(screen.getByText(/Orders can be linked once the requester has verified/)).toBeTruthy();
    expect(screen.getByText("No ratings from this customer yet.")).toBeTruthy();
  });

  it("shows no unverified flag on a verified ticket", async () => {
    const ticket = ticketDetails();
    renderWithCrm(<TicketPage ticketId={ticket.id} />, () => ({ ticket }));
    expect(await screen.findByText("#1001 Question 1")).toBeTruthy();
    expect(screen.queryByTestId("unverified")).toBeNull();
    expect(screen.queryByTestId("unverified-notice")).toBeNull();
  });

  it("shows no unknown-sender flag on an ordinary ticket", async () => {
    const ticket = ticketDetails();
    renderWithCrm(<TicketPage ticketId={ticket.id} />, () => ({ ticket }));
    expect(await screen.findByText("#1001 Question 1")).toBeTruthy();
    expect(screen.queryByTestId("unknown-sender")).toBeNull();
    expect(screen.queryByRole("button", { name: "Open the ticket it answered" })).toBeNull();
  });

  it("says when the ticket does not exist", async () => {
    renderWithCrm(<TicketPage ticketId="VGlja2V0Ojk=" />, () => ({ ticket: null }));
    expect(await screen.findByText("This ticket doesn't exist")).toBeTruthy();
  });
});

describe("mergeTicket / appendMessage", () => {
  it("keeps the page's messages and customer details when a mutation returns the ticket", () => {
    const current = ticketDetails();
    const merged = mergeTicket(current, { status: "SOLVED", customer: { ...current.customer!, firstName: "Anna" } });
    expect(merged.status).toBe("SOLVED");
    expect(merged.messages).toBe(current.messages);
    expect(merged.customer!.orders).toBe(current.customer!.orders);
    expect(merged.customer!.firstName).toBe("Anna");
  });

  it("keeps an unverified ticket customerless", () => {
    const current = ticketDetails({ isVerified: false, verifiedAt: null, customer: null });
    expect(mergeTicket(current, { status: "PENDING" }).customer).toBeNull();
    expect(mergeTicket(ticketDetails(), { customer: null }).customer).toBeNull();
  });

  it("appends a sent message once", () => {
    const current = ticketDetails();
    const message = { ...current.messages.edges[0]!.node, id: "M9" };
    const next = appendMessage(current, message);
    expect(next.messages.edges.map((edge) => edge.node.id)).toEqual(["M1", "M2", "M3", "M9"]);
    expect(next.messages.totalCount).toBe(4);
    expect(appendMessage(next, message)).toBe(next);
  });
});
