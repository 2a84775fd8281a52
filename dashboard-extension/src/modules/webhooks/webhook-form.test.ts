import { describe, expect, it } from "vitest";

import type { CrmWebhook } from "./graphql/types";
import { eventTypesSummary } from "./labels";
import {
  emptyWebhook,
  fromWebhook,
  toCreateInput,
  toUpdateInput,
  validateWebhook,
  webhookFieldErrors,
  type WebhookValues,
} from "./webhook-form";

const WEBHOOK: CrmWebhook = {
  id: "Q3JtV2ViaG9vazox",
  name: "Warehouse",
  url: "https://hooks.example.com/crm",
  eventTypes: ["TICKET_SOLVED", "PROFILE_CREATED"],
  isActive: true,
  hasSecret: true,
  consecutiveFailures: 0,
  disabledAt: null,
  disabledReason: "",
  createdAt: "2026-11-01T10:00:00Z",
  updatedAt: "2026-11-01T10:00:00Z",
};

const valid = (overrides: Partial<WebhookValues> = {}): WebhookValues => ({
  ...emptyWebhook(),
  url: "https://hooks.example.com/crm",
  eventTypes: ["TICKET_SOLVED"],
  ...overrides,
});

describe("webhook form validation", () => {
  it("accepts an https URL with one event", () => {
    expect(validateWebhook(valid())).toEqual({});
  });

  it("asks for a URL and at least one event", () => {
    expect(validateWebhook(emptyWebhook())).toEqual({
      url: "Enter the endpoint's URL.",
      eventTypes: "Choose at least one event.",
    });
  });

  it.each([
    ["hooks.example.com/crm", "An http(s) URL, such as https://example.com/crm-events."],
    ["ftp://hooks.example.com/", "An http(s) URL, such as https://example.com/crm-events."],
    ["https://user:pw@hooks.example.com/", "Leave the user name and password out of the URL."],
    ["https://hooks.example.com/#here", "Leave the fragment (#…) out of the URL."],
    [`https://example.com/${"a".repeat(2048)}`, "URLs are at most 2048 characters."],
  ])("refuses %s as the backend would", (url, message) => {
    expect(validateWebhook(valid({ url })).url).toBe(message);
  });

  it("limits the name and the length of a new secret", () => {
    expect(validateWebhook(valid({ name: "n".repeat(256) })).name).toBe("Names are at most 255 characters.");
    expect(validateWebhook(valid({ secret: "short" })).secret).toBe("A secret has 24 to 255 characters.");
    expect(validateWebhook(valid({ secret: "s".repeat(24) }))).toEqual({});
  });
});

describe("webhook form input", () => {
  it("creates with the events in the form's order and the URL trimmed, never with a secret", () => {
    expect(toCreateInput(valid({ url: " https://a.example/x ", eventTypes: ["TICKET_SOLVED", "PROFILE_CREATED"] }))).toEqual({
      url: "https://a.example/x",
      eventTypes: ["PROFILE_CREATED", "TICKET_SOLVED"],
      name: "",
      isActive: true,
    });
  });

  it("updates only what changed, so an unchanged URL is not checked again", () => {
    expect(toUpdateInput(fromWebhook(WEBHOOK), WEBHOOK)).toEqual({});
    const values = { ...fromWebhook(WEBHOOK), name: "Data warehouse", isActive: false, secret: "x".repeat(30) };
    expect(toUpdateInput(values, WEBHOOK)).toEqual({ name: "Data warehouse", isActive: false, secret: "x".repeat(30) });
    const events = { ...fromWebhook(WEBHOOK), eventTypes: ["TICKET_SOLVED" as const] };
    expect(toUpdateInput(events, WEBHOOK)).toEqual({ eventTypes: ["TICKET_SOLVED"] });
  });

  it("places the server's typed errors on their fields, the rest on the form", () => {
    expect(
      webhookFieldErrors([
        { field: "url", code: "FORBIDDEN_DESTINATION", message: "hooks.internal resolves to a private address." },
        { field: "eventTypes", code: "REQUIRED", message: "Subscribe to at least one event type." },
        { field: null, code: "GRAPHQL_ERROR", message: "Something else." },
      ]),
    ).toEqual({
      url: "hooks.internal resolves to a private address.",
      eventTypes: "Subscribe to at least one event type.",
      form: "Something else.",
    });
  });

  it("sums up an endpoint's events", () => {
    expect(eventTypesSummary(["TICKET_SOLVED", "PROFILE_CREATED"])).toBe("ticket.solved, profile.created");
    expect(
      eventTypesSummary([
        "PROFILE_CREATED",
        "PROFILE_STAGE_CHANGED",
        "PROFILE_ERASED",
        "SEGMENT_ENTERED",
        "SEGMENT_LEFT",
        "CONSENT_CHANGED",
        "TICKET_CREATED",
        "TICKET_SOLVED",
        "TICKET_RATED",
        "CAMPAIGN_SENT",
      ]),
    ).toBe("All events");
  });
});
