import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { CrmApiError } from "../../core/graphql-client";
import { renderWithCrm } from "../../../test/render";
import type { CustomerProfileSummary } from "../graphql/types";
import { HomeWidget } from "./HomeWidget";

// The Dashboard sizes the card; there is no Dashboard around the test.
vi.mock("@saleor/app-sdk/app-bridge", () => ({ useWidgetAutoResize: () => undefined }));

function atRisk(index: number, figures: Partial<CustomerProfileSummary> = {}): CustomerProfileSummary {
  return {
    id: `P${index}`,
    email: `c${index}@example.com`,
    firstName: `Customer ${index}`,
    lastName: "",
    isGuest: false,
    isErased: false,
    user: null,
    country: "DE",
    ordersCount: 3,
    totalSpent: { amount: 250, currency: "EUR" },
    unconvertedSpend: [],
    lastOrderAt: "2026-08-01T00:00:00Z",
    lifecycleStage: "AT_RISK",
    rfm: { recency: 1, frequency: 3, monetary: 4, segment: "AT_RISK" },
    tags: [],
    ...figures,
  };
}

const stats = {
  crmCustomerStats: { byLifecycleStage: [{ stage: "AT_RISK", count: 2 }], rfmGrid: [], newVsReturning: null },
};
const counts = { crmTicketStats: { openCount: 0, breachedCount: 0 } };

function answers(profiles: (sortBy: { field: string }) => unknown) {
  return (operationName: string, variables: unknown) => {
    if (operationName === "CrmCustomerStats") return stats;
    if (operationName === "CrmTicketCounts") return counts;
    if (operationName === "AtRiskCustomers") return profiles((variables as { sortBy: { field: string } }).sortBy);
    throw new Error(`unexpected ${operationName}`);
  };
}

const page = (nodes: CustomerProfileSummary[]) => ({
  customerProfiles: { totalCount: nodes.length, edges: nodes.map((node) => ({ node })) },
});

describe("HomeWidget at-risk list", () => {
  it("ranks by spend for staff who may sort by it", async () => {
    const { request } = renderWithCrm(<HomeWidget />, answers(() => page([atRisk(1)])));
    expect(await screen.findByText("Customer 1")).toBeTruthy();
    expect(screen.getByText("by spend")).toBeTruthy();
    expect(screen.getByText("€250.00")).toBeTruthy();
    const sorts = request.mock.calls
      .filter(([document]) => document.operationName === "AtRiskCustomers")
      .map(([, variables]) => (variables as { sortBy: unknown }).sortBy);
    expect(sorts).toEqual([{ field: "TOTAL_SPENT", direction: "DESC" }]);
  });

  it("ranks by orders when the CRM refuses the spend sort (channel-restricted staff)", async () => {
    const { request } = renderWithCrm(
      <HomeWidget />,
      answers((sortBy) => {
        if (sortBy.field === "TOTAL_SPENT") {
          throw new CrmApiError(
            "permission-denied",
            "You need one of the following permissions: MANAGE_ORDERS (with access to all channels)",
          );
        }
        // Their own channels' figures only.
        return page([atRisk(1, { totalSpent: { amount: 40, currency: "EUR" } })]);
      }),
    );
    expect(await screen.findByText("Customer 1")).toBeTruthy();
    expect(screen.getByText("by orders")).toBeTruthy();
    expect(screen.getByText("€40.00")).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.queryByText(/You need one of the following permissions/)).toBeNull();
    const sorts = request.mock.calls
      .filter(([document]) => document.operationName === "AtRiskCustomers")
      .map(([, variables]) => (variables as { sortBy: { field: string } }).sortBy.field);
    expect(sorts).toEqual(["TOTAL_SPENT", "ORDERS_COUNT"]);
  });

  it("without MANAGE_ORDERS shows names and says why the figures are missing", async () => {
    renderWithCrm(
      <HomeWidget />,
      answers((sortBy) => {
        if (sortBy.field === "TOTAL_SPENT") {
          throw new CrmApiError("permission-denied", "You need one of the following permissions: MANAGE_ORDERS");
        }
        return page([atRisk(1, { ordersCount: null, totalSpent: null, lastOrderAt: null })]);
      }),
    );
    expect(await screen.findByText("Customer 1")).toBeTruthy();
    await waitFor(() => expect(screen.getByText("Orders need the Manage orders permission.")).toBeTruthy());
    expect(screen.queryByText(/Last order/)).toBeNull();
  });

  it("another failure of the list is shown with a retry", async () => {
    renderWithCrm(
      <HomeWidget />,
      answers(() => {
        throw new CrmApiError("network", "The CRM could not be reached.");
      }),
    );
    expect(await screen.findByText("The CRM could not be reached.")).toBeTruthy();
  });
});
