import { act, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { renderWithCrm } from "../../test/render";
import { CrmApiError } from "../core/graphql-client";
import { CustomersPage } from "../customers/CustomersPage";
import { forgetListState } from "../customers/list/CustomersList";
import { BACKLOG_REFRESH_MS, EventBacklogStatus, FailedEventsNotice, useEventBacklog } from "./EventBacklog";
import type { CrmEventBacklog } from "./graphql/types";

const backlog = (overrides: Partial<CrmEventBacklog> = {}): CrmEventBacklog => ({
  pendingCount: 0,
  retryingCount: 0,
  failedCount: 0,
  oldestPendingAt: null,
  oldestPendingAgeSeconds: null,
  ...overrides,
});

/** The header line and the warning, as CustomersPage puts them. */
function Backlog() {
  const figures = useEventBacklog();
  if (!figures) return <p>no backlog</p>;
  return (
    <>
      <EventBacklogStatus backlog={figures} />
      <FailedEventsNotice backlog={figures} />
    </>
  );
}

const emptyList = {
  customerProfiles: {
    totalCount: 0,
    pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    edges: [],
  },
};

describe("event backlog", () => {
  beforeEach(() => forgetListState());
  afterEach(() => vi.useRealTimers());

  it("says the CRM is up to date when nothing waits", async () => {
    renderWithCrm(<Backlog />, () => ({ crmEventBacklog: backlog() }));
    const status = await screen.findByRole("status", { name: "Store events" });
    expect(status.textContent).toBe("Up to date");
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("counts waiting events and tells operators how to replay failed ones", async () => {
    renderWithCrm(<Backlog />, () => ({
      crmEventBacklog: backlog({
        pendingCount: 12,
        retryingCount: 2,
        failedCount: 3,
        oldestPendingAt: "2026-11-20T10:00:00Z",
        oldestPendingAgeSeconds: 185,
      }),
    }));
    const status = await screen.findByRole("status", { name: "Store events" });
    expect(status.textContent).toBe("12 store events waiting, oldest 3 min ago");
    expect(status.getAttribute("title")).toBe("2 of them retry after a failed attempt");
    const warning = screen.getByRole("alert");
    expect(warning.textContent).toBe(
      "3 events failed: an operator replays them with python manage.py crm_events --replay",
    );
    expect(warning.querySelector("code")?.textContent).toBe("python manage.py crm_events --replay");
  });

  it("refreshes every 30 s without blanking the line in between", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let pending = 4;
    let answer: (() => void) | undefined;
    const { request } = renderWithCrm(<Backlog />, () =>
      pending === 4
        ? { crmEventBacklog: backlog({ pendingCount: pending, oldestPendingAgeSeconds: 30 }) }
        : new Promise((resolve) => {
            answer = () => resolve({ crmEventBacklog: backlog() });
          }),
    );
    expect((await screen.findByRole("status")).textContent).toBe("4 store events waiting, oldest 30 s ago");
    pending = 0;
    await act(async () => {
      vi.advanceTimersByTime(BACKLOG_REFRESH_MS);
    });
    expect(request).toHaveBeenCalledTimes(2);
    // The new answer is on its way: the old figures stay.
    expect(screen.getByRole("status").textContent).toBe("4 store events waiting, oldest 30 s ago");
    await act(async () => answer?.());
    expect(screen.getByRole("status").textContent).toBe("Up to date");
  });

  it("hides itself, and stops asking, for staff without the permission", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { request } = renderWithCrm(<Backlog />, () => {
      throw new CrmApiError("permission-denied", "You need one of the following permissions: MANAGE_USERS", {
        graphqlErrors: [{ message: "denied", extensions: { exception: { code: "PermissionDenied" } } }],
      });
    });
    expect(await screen.findByText("no backlog")).toBeTruthy();
    // "no backlog" shows while the first answer is on its way too: wait for
    // the refusal to arrive and settle before moving the clock (on a slow
    // machine the interval fired before it had).
    await waitFor(() => expect(request).toHaveBeenCalledTimes(1));
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    await act(async () => {
      vi.advanceTimersByTime(3 * BACKLOG_REFRESH_MS);
    });
    expect(request).toHaveBeenCalledTimes(1);
  });

  it("leaves the rest of the CRM page working when the backlog is refused", async () => {
    renderWithCrm(<CustomersPage tab="list" />, (name) => {
      if (name === "CrmEventBacklog") {
        throw new CrmApiError("permission-denied", "You need one of the following permissions: MANAGE_USERS");
      }
      return emptyList;
    });
    expect(await screen.findByRole("heading", { name: "Customers" })).toBeTruthy();
    expect(await screen.findByText("No customer profiles yet")).toBeTruthy();
    expect(screen.queryByRole("status", { name: "Store events" })).toBeNull();
    expect(screen.queryByText(/events failed/)).toBeNull();
  });

  it("shows the line in the CRM page's header and the warning above the tab", async () => {
    renderWithCrm(<CustomersPage tab="list" />, (name) =>
      name === "CrmEventBacklog" ? { crmEventBacklog: backlog({ failedCount: 1 }) } : emptyList,
    );
    const warning = await screen.findByRole("alert");
    expect(warning.textContent).toContain("1 event failed: an operator replays it with");
    // Nothing waits: the warning alone, no "Up to date" beside it.
    expect(screen.queryByRole("status", { name: "Store events" })).toBeNull();
  });
});
