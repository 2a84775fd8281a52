import { fireEvent, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";

import { CrmApiError } from "../../core/graphql-client";
import { renderWithCrm } from "../../../test/render";
import type { TicketListVariables } from "../graphql/types";
import { ANNA_ID, ME_ID, ticketSummary } from "../test/fixtures";
import { forgetInboxState, TicketInbox } from "./TicketInbox";

function page(variables: TicketListVariables) {
  const start = variables.after ? Number(variables.after.slice(1)) : 0;
  const rows = Array.from({ length: 20 }, (_, i) =>
    ticketSummary(
      start + i + 1,
      i === 0
        ? { assignee: ANNA_ID, isBreached: true }
        : i === 1
          ? { fromUnknownSender: true }
          : i === 2
            ? { isVerified: false, verifiedAt: null, requesterEmail: "ann@example.com", customer: null }
            : {},
    ),
  );
  return {
    tickets: {
      totalCount: 30,
      pageInfo: {
        hasNextPage: start + 20 < 30,
        hasPreviousPage: start > 0,
        startCursor: `c${start + 1}`,
        endCursor: `c${start + 20}`,
      },
      edges: rows.map((node) => ({ cursor: node.id, node })),
    },
  };
}

const staffUsers = () => ({
  staffUsers: { edges: [{ node: { id: ANNA_ID, email: "anna@shop.example", firstName: "Anna", lastName: "Nowak" } }] },
});

beforeEach(() => forgetInboxState());

describe("TicketInbox", () => {
  it("lists open tickets, newest activity first, and opens a ticket on click", async () => {
    const { request, navigate, container } = renderWithCrm(
      <TicketInbox />,
      (_name, variables) => page(variables as TicketListVariables),
      undefined,
      { saleor: staffUsers, userId: ME_ID },
    );
    expect(await screen.findByText("Question 1")).toBeTruthy();
    expect(request.mock.calls[0]?.[1]).toEqual({
      first: 20,
      after: null,
      filter: { statuses: ["NEW", "OPEN", "PENDING", "ON_HOLD"] },
      sortBy: { field: "UPDATED_AT", direction: "DESC" },
    });
    expect(await screen.findByText("Anna Nowak")).toBeTruthy();
    expect(container.querySelectorAll('[data-sla="breached"]')).toHaveLength(1);
    // the second row came by mail from an unknown sender: flagged, and only it
    const flagged = screen.getAllByTestId("unknown-sender");
    expect(flagged).toHaveLength(1);
    expect(flagged[0]!.closest('[data-testid="ticket-row"]')?.textContent).toContain("Question 2");
    // the third is unverified: flagged, and shown by the address it came from, no customer's name
    const unverified = screen.getAllByTestId("unverified");
    expect(unverified).toHaveLength(1);
    const row = unverified[0]!.closest('[data-testid="ticket-row"]');
    expect(row?.textContent).toContain("Question 3");
    expect(row?.textContent).toContain("ann@example.com");
    expect(row?.textContent).toContain("Not verified");
    fireEvent.click(screen.getByText("Question 2"));
    expect(navigate).toHaveBeenCalledWith(`/app/tickets/${encodeURIComponent(btoa("Ticket:2"))}`);
  });

  it("filters breached tickets and sorts by the resolution deadline from page one", async () => {
    const { request } = renderWithCrm(<TicketInbox />, (_name, variables) => page(variables as TicketListVariables));
    await screen.findByText("Question 1");
    fireEvent.click(screen.getByRole("button", { name: "Next page" }));
    await screen.findByText("Question 21");
    fireEvent.click(screen.getByRole("checkbox", { name: "SLA breached" }));
    await waitFor(() =>
      expect(request.mock.lastCall?.[1]).toMatchObject({ after: null, filter: { breached: true } }),
    );
    fireEvent.click(screen.getByTitle("Sort by resolution due"));
    await waitFor(() =>
      expect(request.mock.lastCall?.[1]).toMatchObject({
        first: 20,
        after: null,
        sortBy: { field: "RESOLUTION_DUE_AT", direction: "ASC" },
      }),
    );
  });

  it("shows IDs when Saleor will not list staff", async () => {
    renderWithCrm(<TicketInbox />, (_name, variables) => page(variables as TicketListVariables), undefined, {
      saleor: () => {
        throw new CrmApiError("permission-denied", "You need one of the following permissions: MANAGE_STAFF");
      },
    });
    expect(await screen.findByText("Staff #12")).toBeTruthy();
  });

  it("says when nothing matches and offers every ticket", async () => {
    const { request } = renderWithCrm(<TicketInbox />, () => ({
      tickets: {
        totalCount: 0,
        pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
        edges: [],
      },
    }));
    expect(await screen.findByText("No tickets match these filters")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Show all tickets" }));
    await waitFor(() => expect(request.mock.lastCall?.[1]).toMatchObject({ filter: undefined }));
  });

  it("shows errors with a retry", async () => {
    let fail = true;
    renderWithCrm(<TicketInbox />, (_name, variables) => {
      if (fail) throw new Error("boom");
      return page(variables as TicketListVariables);
    });
    expect(await screen.findByText("boom")).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("Question 1")).toBeTruthy();
  });
});
