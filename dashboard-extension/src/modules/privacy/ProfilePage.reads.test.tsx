import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { renderWithCrm } from "../../test/render";
import { ProfilePage } from "../customers/profile/ProfilePage";

const EMPTY_PAGE = { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] };

/** One profile, answering every operation of the profile page. */
function profile(reads: unknown) {
  return {
    customerProfile: {
      id: "P1",
      email: "ann@example.com",
      firstName: "Ann",
      lastName: "Lee",
      isGuest: false,
      isErased: false,
      user: null,
      country: "DE",
      ordersCount: 1,
      totalSpent: { amount: 40, currency: "USD" },
      unconvertedSpend: [],
      lastOrderAt: "2026-11-01T00:00:00Z",
      lifecycleStage: "NEW",
      rfm: { recency: 4, frequency: 1, monetary: 2, segment: "NEW_CUSTOMERS" },
      tags: [],
      firstOrderAt: "2026-11-01T00:00:00Z",
      averageOrderValue: { amount: 40, currency: "USD" },
      favouriteProducts: [],
      note: "",
      languageCode: "",
      city: "",
      firstSeenAt: "2026-10-01T00:00:00Z",
      accountCreatedAt: null,
      lastCheckoutAt: null,
      spendByCurrency: [],
      channels: [],
      favouriteCategories: [],
      lifecycleStageChangedAt: null,
      orders: EMPTY_PAGE,
      timeline: EMPTY_PAGE,
      tickets: EMPTY_PAGE,
      satisfactionAverage: null,
      satisfactionCount: 0,
      reads,
    },
  };
}

const READS = {
  totalCount: 1,
  pageInfo: { hasNextPage: false, endCursor: null },
  edges: [
    {
      node: {
        id: "R1",
        kind: "VIEW",
        readerKind: "STAFF",
        user: "VXNlcjoz",
        userEmail: "sam@shop.example",
        userName: "Sam Staff",
        app: null,
        systemUser: null,
        readAt: "2026-12-01T10:00:00+00:00",
      },
    },
  ],
};

describe("the profile page's read audit", () => {
  it("shows staff with MANAGE_STAFF who opened the profile", async () => {
    renderWithCrm(<ProfilePage profileId="P1" />, () => profile(READS));

    expect(await screen.findByText("Sam Staff (sam@shop.example)")).toBeTruthy();
    expect(screen.getByText("Who opened this profile")).toBeTruthy();
  });

  it("has no read audit for other staff", async () => {
    const { request } = renderWithCrm(<ProfilePage profileId="P1" />, () => profile(null));

    expect(await screen.findByRole("heading", { name: "Ann Lee" })).toBeTruthy();
    await waitFor(() =>
      expect(request.mock.calls.map((call) => call[0].operationName)).toContain("CustomerProfileReads"),
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(screen.queryByText("Who opened this profile")).toBeNull();
  });
});
