import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderWithCrm } from "../../test/render";
import { CrmApiError } from "../core/graphql-client";
import { matchRoute, routePath } from "../core/routes";
import { CustomersPage } from "../customers/CustomersPage";
import type { CrmWebhook, CrmWebhookDelivery } from "./graphql/types";
import { GRANT_COMMAND } from "./PermissionNotice";
import { WebhookPage } from "./WebhookPage";
import { WebhooksTab } from "./WebhooksTab";

const WEBHOOK: CrmWebhook = {
  id: "V2ViaG9vazox",
  name: "Warehouse",
  url: "https://hooks.example.com/crm",
  eventTypes: ["PROFILE_CREATED", "TICKET_SOLVED"],
  isActive: true,
  hasSecret: true,
  consecutiveFailures: 0,
  disabledAt: null,
  disabledReason: "",
  createdAt: "2026-11-01T10:00:00Z",
  updatedAt: "2026-11-01T10:00:00Z",
};

const TURNED_OFF: CrmWebhook = {
  ...WEBHOOK,
  id: "V2ViaG9vazoy",
  name: "",
  url: "https://broken.example.org/in",
  isActive: false,
  consecutiveFailures: 20,
  disabledAt: "2026-11-20T10:00:00Z",
  disabledReason: "20 failed attempts in a row; last: HTTP 500",
};

const DELIVERY: CrmWebhookDelivery = {
  id: "RGVsaXZlcnk6MQ==",
  eventId: "5f0c2a4e-0000-4000-8000-000000000001",
  eventType: "TICKET_SOLVED",
  occurredAt: "2026-11-20T09:59:00Z",
  status: "FAILED",
  attempts: 10,
  responseCode: 500,
  lastError: "HTTP 500",
  lastAttemptAt: "2026-11-20T10:00:00Z",
  nextAttemptAt: null,
  deliveredAt: null,
  createdAt: "2026-11-20T09:59:01Z",
};

const list = (webhooks: CrmWebhook[]) => ({
  crmWebhooks: {
    totalCount: webhooks.length,
    pageInfo: { hasNextPage: false, endCursor: null },
    edges: webhooks.map((node) => ({ node })),
  },
});

const deliveries = (nodes: CrmWebhookDelivery[], hasNextPage = false) => ({
  crmWebhookDeliveries: {
    totalCount: hasNextPage ? 45 : nodes.length,
    pageInfo: { hasNextPage, hasPreviousPage: false, startCursor: "s", endCursor: hasNextPage ? "c20" : "e" },
    edges: nodes.map((node) => ({ node })),
  },
});

const denied = () => {
  throw new CrmApiError("permission-denied", "You need one of the following permissions: MANAGE_APPS", {
    graphqlErrors: [{ message: "denied", path: ["crmWebhooks"], extensions: { exception: { code: "PermissionDenied" } } }],
  });
};

afterEach(() => vi.unstubAllGlobals());

/** The variables of each call of one operation (queries also pass an AbortSignal). */
function callsOf(request: ReturnType<typeof renderWithCrm>["request"], name: string): unknown[] {
  return request.mock.calls.filter(([document]) => document.operationName === name).map(([, variables]) => variables);
}

describe("Webhooks tab", () => {
  it("lists endpoints with their events, status and failures", async () => {
    renderWithCrm(<WebhooksTab />, () => list([WEBHOOK, TURNED_OFF]));
    const rows = await screen.findAllByTestId("webhook-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]?.textContent).toContain("Warehouse");
    expect(rows[0]?.textContent).toContain("https://hooks.example.com/crm");
    expect(rows[0]?.textContent).toContain("profile.created, ticket.solved");
    expect(rows[0]?.textContent).toContain("Active");
    // No name: its host names it.
    expect(rows[1]?.textContent).toContain("broken.example.org");
    expect(rows[1]?.textContent).toContain("Turned off");
    expect(rows[1]?.textContent).toContain("20");
  });

  it("explains what webhooks are for when there are none", async () => {
    const { navigate } = renderWithCrm(<WebhooksTab />, () => list([]));
    expect(await screen.findByText("No webhook endpoints yet")).toBeTruthy();
    expect(screen.getByText(/signed POST when a profile is created or erased/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Add the first endpoint" }));
    expect(navigate).toHaveBeenCalledWith("/app/webhooks/new");
  });

  it("warns about an endpoint the CRM turned off, and turns it on again", async () => {
    let off = true;
    const { request, dashboard } = renderWithCrm(<WebhooksTab />, (name, variables) => {
      if (name === "CrmWebhookUpdate") {
        expect(variables).toEqual({ id: TURNED_OFF.id, input: { isActive: true } });
        off = false;
        return { crmWebhookUpdate: { webhook: { ...TURNED_OFF, isActive: true, disabledAt: null }, errors: [] } };
      }
      return list([WEBHOOK, off ? TURNED_OFF : { ...TURNED_OFF, isActive: true, disabledAt: null }]);
    });
    const notice = await screen.findByTestId("webhooks-turned-off");
    expect(notice.getAttribute("role")).toBe("alert");
    expect(notice.textContent).toContain("A webhook endpoint was turned off after failed deliveries");
    expect(notice.textContent).toContain("20 failed attempts in a row; last: HTTP 500");
    fireEvent.click(within(notice).getByRole("button", { name: "Turn on broken.example.org" }));
    await waitFor(() => expect(screen.queryByTestId("webhooks-turned-off")).toBeNull());
    expect(dashboard.notify).toHaveBeenCalledWith("success", "Endpoint turned on", "The deliveries that waited go out now.");
    expect(request.mock.calls.filter(([document]) => document.operationName === "CrmWebhooks")).toHaveLength(2);
  });

  it("explains the missing MANAGE_APPS instead of an error", async () => {
    renderWithCrm(<WebhooksTab />, denied);
    const notice = await screen.findByTestId("webhooks-permission-denied");
    expect(notice.textContent).toContain("Webhooks need the Manage apps permission");
    expect(screen.getByTestId("grant-command").textContent).toBe(GRANT_COMMAND);
    expect(GRANT_COMMAND).toContain("--grant-manage-apps");
    expect(screen.queryByText("Try again")).toBeNull();
  });

  it("shows the turned-off notice on the CRM page's other tabs, and nothing when webhooks are denied", async () => {
    const emptyProfiles = {
      customerProfiles: {
        totalCount: 0,
        pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
        edges: [],
      },
    };
    const { navigate } = renderWithCrm(<CustomersPage tab="list" />, (name) =>
      name === "CrmWebhooks" ? list([TURNED_OFF]) : name === "CrmEventBacklog" ? denied() : emptyProfiles,
    );
    const notice = await screen.findByTestId("webhooks-turned-off");
    fireEvent.click(within(notice).getByRole("button", { name: "Open webhooks" }));
    expect(navigate).toHaveBeenCalledWith("/app/webhooks");
    expect(screen.getByRole("tab", { name: "Webhooks" })).toBeTruthy();
  });

  it("routes the tab and an endpoint's page so the Dashboard's address follows", () => {
    expect(matchRoute("/app/webhooks")).toEqual({ name: "customers", tab: "webhooks" });
    expect(matchRoute("/app/webhooks/new")).toEqual({ name: "webhook", webhookId: "new" });
    expect(matchRoute(`/app/webhooks/${encodeURIComponent("V2ViaG9vazox==")}`)).toEqual({
      name: "webhook",
      webhookId: "V2ViaG9vazox==",
    });
    expect(routePath({ name: "webhook", webhookId: "a/b" })).toBe("/app/webhooks/a%2Fb");
  });
});

describe("webhook endpoint page", () => {
  it("checks the form before asking, and places the server's errors on their fields", async () => {
    const { request } = renderWithCrm(<WebhookPage webhookId="new" />, () => ({
      crmWebhookCreate: {
        webhook: null,
        secret: null,
        errors: [{ field: "url", code: "FORBIDDEN_DESTINATION", message: "hooks.internal resolves to a private address." }],
      },
    }));
    fireEvent.click(screen.getByRole("button", { name: "Add endpoint" }));
    expect(await screen.findByText("Enter the endpoint's URL.")).toBeTruthy();
    expect(screen.getByText("Choose at least one event.")).toBeTruthy();
    expect(request).not.toHaveBeenCalled();

    fireEvent.change(screen.getByLabelText("URL"), { target: { value: "https://hooks.internal/crm" } });
    fireEvent.click(screen.getByRole("checkbox", { name: "ticket.solved" }));
    fireEvent.click(screen.getByRole("button", { name: "Add endpoint" }));
    expect(await screen.findByText("hooks.internal resolves to a private address.")).toBeTruthy();
    expect(request).toHaveBeenCalledTimes(1);
  });

  it("shows the generated secret once after create, with a copy button", async () => {
    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal("navigator", { ...navigator, clipboard: { writeText } });
    const secret = "whsec_0123456789abcdefghijklmnop";
    const { request, navigate, dashboard } = renderWithCrm(<WebhookPage webhookId="new" />, (name, variables) => {
      expect(name).toBe("CrmWebhookCreate");
      expect(variables).toEqual({
        input: {
          url: "https://hooks.example.com/crm",
          eventTypes: ["PROFILE_CREATED", "TICKET_SOLVED"],
          name: "Warehouse",
          isActive: true,
        },
      });
      return { crmWebhookCreate: { webhook: WEBHOOK, secret, errors: [] } };
    });
    fireEvent.change(screen.getByLabelText("Name (staff only, optional)"), { target: { value: "Warehouse" } });
    fireEvent.change(screen.getByLabelText("URL"), { target: { value: "https://hooks.example.com/crm" } });
    fireEvent.click(screen.getByRole("checkbox", { name: "ticket.solved" }));
    fireEvent.click(screen.getByRole("checkbox", { name: "profile.created" }));
    fireEvent.click(screen.getByRole("button", { name: "Add endpoint" }));

    expect((await screen.findByTestId("webhook-secret-value")).textContent).toBe(secret);
    expect(screen.getByTestId("webhook-secret").textContent).toContain("It will not be shown again");
    fireEvent.click(screen.getByRole("button", { name: "Copy the secret" }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(secret));
    expect(dashboard.notify).toHaveBeenCalledWith("success", "Secret copied");
    // The form is gone: a second click cannot add the endpoint twice.
    expect(screen.queryByRole("button", { name: "Add endpoint" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "I saved the secret: open the endpoint" }));
    expect(navigate).toHaveBeenCalledWith(`/app/webhooks/${encodeURIComponent(WEBHOOK.id)}`);
    expect(request).toHaveBeenCalledTimes(1);
  });

  it("never shows a secret on an existing endpoint's page", async () => {
    renderWithCrm(<WebhookPage webhookId={WEBHOOK.id} />, (name) =>
      name === "CrmWebhookDetails" ? { crmWebhook: WEBHOOK } : deliveries([]),
    );
    expect(await screen.findByText("Nothing sent yet")).toBeTruthy();
    expect(screen.queryByTestId("webhook-secret")).toBeNull();
    expect((screen.getByLabelText("New signing secret (optional)") as HTMLInputElement).value).toBe("");
  });

  it("lists the delivery log a page at a time and replays one failed delivery, then all", async () => {
    const { request, dashboard } = renderWithCrm(<WebhookPage webhookId={WEBHOOK.id} />, (name, variables) => {
      if (name === "CrmWebhookDetails") return { crmWebhook: WEBHOOK };
      if (name === "CrmWebhookDeliveryReplay") {
        const replayAll = "webhook" in (variables as object);
        return { crmWebhookDeliveryReplay: { replayed: replayAll ? 3 : 1, errors: [] } };
      }
      const succeeded: CrmWebhookDelivery = {
        ...DELIVERY,
        id: "RGVsaXZlcnk6Mg==",
        status: "SUCCEEDED",
        attempts: 1,
        responseCode: 204,
        lastError: "",
        deliveredAt: "2026-11-20T10:01:00Z",
      };
      return deliveries([DELIVERY, succeeded], true);
    });
    const rows = await screen.findAllByTestId("delivery-row");
    expect(rows[0]?.textContent).toContain("ticket.solved");
    expect(rows[0]?.textContent).toContain("Failed");
    expect(rows[0]?.textContent).toContain("500");
    expect(rows[0]?.textContent).toContain("HTTP 500");
    expect(rows[1]?.textContent).toContain("Delivered");
    expect(rows[1]?.textContent).toContain("204");
    // Only failed deliveries are replayed.
    expect(within(rows[1] as HTMLElement).queryByRole("button")).toBeNull();
    expect(screen.getByText("1–2 of 45")).toBeTruthy();
    expect(callsOf(request, "CrmWebhookDeliveries")).toContainEqual({
      webhook: WEBHOOK.id,
      status: null,
      first: 20,
      after: null,
    });

    fireEvent.click(within(rows[0] as HTMLElement).getByRole("button", { name: /^Replay ticket.solved/ }));
    await waitFor(() => expect(dashboard.notify).toHaveBeenCalledWith("success", "1 delivery queued again"));
    expect(callsOf(request, "CrmWebhookDeliveryReplay")).toContainEqual({
      ids: [DELIVERY.id],
    });

    fireEvent.click(screen.getByRole("button", { name: "Replay all failed" }));
    await waitFor(() => expect(dashboard.notify).toHaveBeenCalledWith("success", "3 deliveries queued again"));
    expect(callsOf(request, "CrmWebhookDeliveryReplay")).toContainEqual({
      webhook: WEBHOOK.id,
    });

    fireEvent.click(screen.getByRole("button", { name: "Next page" }));
    await waitFor(() =>
      expect(callsOf(request, "CrmWebhookDeliveries")).toContainEqual({
        webhook: WEBHOOK.id,
        status: null,
        first: 20,
        after: "c20",
      }),
    );
  });

  it("deletes only after confirmation", async () => {
    const { request, navigate } = renderWithCrm(<WebhookPage webhookId={WEBHOOK.id} />, (name) =>
      name === "CrmWebhookDetails"
        ? { crmWebhook: WEBHOOK }
        : name === "CrmWebhookDelete"
          ? { crmWebhookDelete: { deletedId: WEBHOOK.id, errors: [] } }
          : deliveries([]),
    );
    fireEvent.click(await screen.findByRole("button", { name: "Delete" }));
    expect(request.mock.calls.some(([document]) => document.operationName === "CrmWebhookDelete")).toBe(false);
    expect(screen.getByText(/Its delivery log goes too/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Delete endpoint" }));
    await waitFor(() => expect(navigate).toHaveBeenCalledWith("/app/webhooks"));
  });

  it("explains the missing MANAGE_APPS on an endpoint's page", async () => {
    renderWithCrm(<WebhookPage webhookId={WEBHOOK.id} />, denied);
    expect(await screen.findByTestId("webhooks-permission-denied")).toBeTruthy();
  });
});
