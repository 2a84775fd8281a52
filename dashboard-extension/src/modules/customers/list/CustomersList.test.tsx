import { fireEvent, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";

import { EMPTY } from "../../core/format";
import { renderWithCrm } from "../../../test/render";
import type { CustomerProfileListVariables, CustomerProfileSummary } from "../graphql/types";
import { CustomersList, forgetListState, presetListFilters } from "./CustomersList";
import { EMPTY_FILTERS } from "./filters";

function profile(index: number): CustomerProfileSummary {
  return {
    id: `P${index}`,
    email: `c${index}@example.com`,
    firstName: `Customer ${index}`,
    lastName: "",
    isGuest: false,
    isErased: false,
    user: null,
    country: "DE",
    ordersCount: index,
    totalSpent: { amount: index * 10, currency: "EUR" },
    unconvertedSpend: index === 2 ? [{ amount: 120, currency: "PLN" }] : [],
    lastOrderAt: "2026-11-01T00:00:00Z",
    lifecycleStage: "ACTIVE",
    rfm: { recency: 4, frequency: 3, monetary: 3, segment: "POTENTIAL_LOYALIST" },
    tags: [],
  };
}

function page(variables: CustomerProfileListVariables) {
  const start = variables.after ? Number(variables.after.slice(1)) : 0;
  const rows = Array.from({ length: 20 }, (_, i) => profile(start + i + 1));
  return {
    customerProfiles: {
      totalCount: 45,
      pageInfo: {
        hasNextPage: start + 20 < 45,
        hasPreviousPage: start > 0,
        startCursor: `c${start + 1}`,
        endCursor: `c${start + 20}`,
      },
      edges: rows.map((node) => ({ cursor: node.id, node })),
    },
  };
}

describe("CustomersList", () => {
  beforeEach(() => forgetListState());

  it("lists profiles and pages forward with the end cursor", async () => {
    const { request, navigate } = renderWithCrm(<CustomersList />, (_name, variables) =>
      page(variables as CustomerProfileListVariables),
    );
    expect(await screen.findByText("Customer 1")).toBeTruthy();
    expect(screen.getByText("1–20 of 45")).toBeTruthy();
    // Spend in a currency without an exchange rate is named, not silently left out.
    expect(screen.getByText("+ PLN 120.00 not converted")).toBeTruthy();
    expect(request.mock.calls[0]?.[1]).toMatchObject({
      first: 20,
      after: null,
      sortBy: { field: "LAST_ORDER_AT", direction: "DESC" },
    });

    fireEvent.click(screen.getByRole("button", { name: "Next page" }));
    expect(await screen.findByText("Customer 21")).toBeTruthy();
    expect(screen.getByText("21–40 of 45")).toBeTruthy();
    expect(request.mock.lastCall?.[1]).toMatchObject({ first: 20, after: "c20" });

    fireEvent.click(screen.getByText("Customer 21"));
    expect(navigate).toHaveBeenCalledWith("/app/customers/P21");
  });

  it("lists customers without their order figures for staff without Manage orders", async () => {
    // The CRM answers null (with a field-level PermissionDenied) for each.
    const withoutOrders = {
      ...profile(1),
      ordersCount: null,
      totalSpent: null,
      unconvertedSpend: null,
      lastOrderAt: null,
    };
    renderWithCrm(<CustomersList />, () => ({
      customerProfiles: {
        totalCount: 1,
        pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: "P1", endCursor: "P1" },
        edges: [{ cursor: "P1", node: withoutOrders }],
      },
    }));
    expect(await screen.findByText("Customer 1")).toBeTruthy();
    // Orders, total spent and last order read "—".
    expect(screen.getAllByText(EMPTY).length).toBeGreaterThanOrEqual(3);
  });

  it("sorts by a column and starts again from the first page", async () => {
    const { request } = renderWithCrm(<CustomersList />, (_name, variables) =>
      page(variables as CustomerProfileListVariables),
    );
    await screen.findByText("Customer 1");
    fireEvent.click(screen.getByRole("button", { name: "Next page" }));
    await screen.findByText("Customer 21");
    fireEvent.click(screen.getByTitle("Sort by total spent"));
    await waitFor(() =>
      expect(request.mock.lastCall?.[1]).toMatchObject({
        first: 20,
        after: null,
        sortBy: { field: "TOTAL_SPENT", direction: "DESC" },
      }),
    );
  });

  it("searches after typing stops and shows an empty state", async () => {
    const { request } = renderWithCrm(<CustomersList />, (_name, variables) => {
      const v = variables as CustomerProfileListVariables;
      return v.filter?.search
        ? { customerProfiles: { totalCount: 0, pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null }, edges: [] } }
        : page(v);
    });
    await screen.findByText("Customer 1");
    fireEvent.change(screen.getByLabelText("Search customers"), { target: { value: "nobody" } });
    expect(await screen.findByText("No customers match these filters")).toBeTruthy();
    expect(request.mock.lastCall?.[1]).toMatchObject({ filter: { search: "nobody" }, after: null });
  });

  it("shows errors with a retry", async () => {
    let fail = true;
    renderWithCrm(<CustomersList />, (_name, variables) => {
      if (fail) throw new Error("boom");
      return page(variables as CustomerProfileListVariables);
    });
    expect(await screen.findByText("boom")).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("Customer 1")).toBeTruthy();
  });
});

describe("presetListFilters", () => {
  it("opens the list filtered, from the first page", async () => {
    forgetListState();
    presetListFilters({ ...EMPTY_FILTERS, segments: ["CHAMPIONS"] });
    const { request } = renderWithCrm(<CustomersList />, (_name, variables) =>
      page(variables as CustomerProfileListVariables),
    );
    await screen.findByText("Customer 1");
    expect(request.mock.calls[0]?.[1]).toMatchObject({ first: 20, after: null, filter: { rfmSegments: ["CHAMPIONS"] } });
  });
});
