import { screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { renderWithCrm } from "../../../test/render";
import { ticketDetails } from "../test/fixtures";
import { OrderCard } from "./TicketSidebar";

describe("OrderCard", () => {
  it("offers the customer's orders to link", () => {
    renderWithCrm(<OrderCard ticket={ticketDetails({ order: null })} onLinked={vi.fn()} />, () => ({}));
    expect(screen.getByText("Not linked to an order.")).toBeTruthy();
    expect(screen.getAllByLabelText("Link an order").length).toBeGreaterThan(0);
  });

  it("offers nothing to link once the customer was erased", () => {
    const erased = ticketDetails({ order: null, requesterEmail: "erased-41@erased.invalid" });
    renderWithCrm(<OrderCard ticket={erased} onLinked={vi.fn()} />, () => ({}));
    expect(screen.getByText("Not linked to an order. The customer's data was erased.")).toBeTruthy();
    expect(screen.queryAllByLabelText("Link an order")).toEqual([]);
  });
});
