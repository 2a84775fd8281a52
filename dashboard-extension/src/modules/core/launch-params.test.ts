import { describe, expect, it } from "vitest";

import { parseLaunchLocation, themeFromParams } from "./launch-params";
import { appPageSubPath, isWidgetRoute, matchRoute, routePath } from "./routes";

describe("parseLaunchLocation", () => {
  it("reads the Dashboard's params from inside the hash route", () => {
    const { path, params } = parseLaunchLocation(
      "",
      "#/widget/customer?domain=shop.test&saleorApiUrl=https%3A%2F%2Fshop.test%2Fgraphql%2F&id=QXBwOjE%3D&theme=dark&customerId=VXNlcjo0Mg%3D%3D",
    );
    expect(path).toBe("/widget/customer");
    expect(params.get("customerId")).toBe("VXNlcjo0Mg==");
    expect(params.get("saleorApiUrl")).toBe("https://shop.test/graphql/");
    expect(themeFromParams(params)).toBe("dark");
  });

  it("merges the page query, the hash winning", () => {
    const { params } = parseLaunchLocation("?theme=light&locale=pl", "#/app/customers?theme=dark");
    expect(params.get("theme")).toBe("dark");
    expect(params.get("locale")).toBe("pl");
  });

  it("defaults to the customers page", () => {
    expect(parseLaunchLocation("", "").path).toBe("/app/customers");
    expect(parseLaunchLocation("", "#/").path).toBe("/app/customers");
    expect(parseLaunchLocation("", "#app/customers/").path).toBe("/app/customers");
  });

  it("takes the last hash route when the Dashboard appended a whole extension URL", () => {
    // What an app page registered with an absolute URL (older
    // crm_install_dashboard) gets: the App URL plus the extension URL.
    const { path, params } = parseLaunchLocation(
      "",
      "#/app/customers/http://shop.test/plugins/global/saleor.crm/dashboard#/app/customers?id=QXBwOjE%3D",
    );
    expect(path).toBe("/app/customers");
    expect(params.get("id")).toBe("QXBwOjE=");
  });

  it("ignores unknown themes", () => {
    expect(themeFromParams(new URLSearchParams("theme=sepia"))).toBeUndefined();
  });
});

describe("routes", () => {
  it("maps every entry URL", () => {
    expect(matchRoute("/app/customers")).toEqual({ name: "customers", tab: "list" });
    expect(matchRoute("/app/customers/overview")).toEqual({ name: "customers", tab: "overview" });
    expect(matchRoute("/widget/customer")).toEqual({ name: "customer-widget" });
    expect(matchRoute("/widget/order")).toEqual({ name: "order-widget" });
    expect(matchRoute("/widget/home")).toEqual({ name: "home-widget" });
    expect(matchRoute("/popup/customer-actions")).toEqual({ name: "customer-actions-popup" });
    expect(matchRoute("/tickets")).toEqual({ name: "not-found", path: "/tickets" });
  });

  it("round-trips profile IDs, base64 padding and slashes included", () => {
    const profileId = "Q3VzdG9tZXJQcm9maWxlOjVl/YTBj==";
    const path = routePath({ name: "profile", profileId });
    expect(path).toBe("/app/customers/Q3VzdG9tZXJQcm9maWxlOjVl%2FYTBj%3D%3D");
    expect(matchRoute(path)).toEqual({ name: "profile", profileId });
  });

  it("maps the tickets tab and ticket pages, also under the App URL's deep-link path", () => {
    expect(matchRoute("/app/tickets")).toEqual({ name: "customers", tab: "tickets" });
    expect(matchRoute("/app/tickets/VGlja2V0OjE%3D")).toEqual({ name: "ticket", ticketId: "VGlja2V0OjE=" });
    expect(matchRoute("/app/customers/tickets")).toEqual({ name: "customers", tab: "tickets" });
    expect(matchRoute("/app/customers/tickets/VGlja2V0OjE%3D")).toEqual({ name: "ticket", ticketId: "VGlja2V0OjE=" });
    expect(matchRoute("/app/tickets/a/b")).toEqual({ name: "not-found", path: "/app/tickets/a/b" });
    expect(routePath({ name: "ticket", ticketId: "VGlja2V0OjE=" })).toBe("/app/tickets/VGlja2V0OjE%3D");
    expect(routePath({ name: "customers", tab: "tickets" })).toBe("/app/tickets");
  });

  it("maps the marketing tab, segment and campaign pages (new ones too), and their Dashboard sub-paths", () => {
    expect(matchRoute("/app/marketing")).toEqual({ name: "customers", tab: "marketing" });
    expect(routePath({ name: "customers", tab: "marketing" })).toBe("/app/marketing");
    expect(matchRoute("/app/marketing/segments/new")).toEqual({ name: "segment", segmentId: "new" });
    const segmentId = "U2VnbWVudDox/==";
    const segmentPath = routePath({ name: "segment", segmentId });
    expect(segmentPath).toBe("/app/marketing/segments/U2VnbWVudDox%2F%3D%3D");
    expect(matchRoute(segmentPath)).toEqual({ name: "segment", segmentId });
    expect(matchRoute("/app/marketing/campaigns/Q2FtcGFpZ246MQ%3D%3D")).toEqual({
      name: "campaign",
      campaignId: "Q2FtcGFpZ246MQ==",
    });
    expect(matchRoute("/app/marketing/campaigns")).toEqual({ name: "not-found", path: "/app/marketing/campaigns" });
    expect(appPageSubPath("/app/marketing/segments/new")).toBe("/marketing/segments/new");
  });

  it("opens the customers list at the App URL itself", () => {
    expect(matchRoute("/app")).toEqual({ name: "customers", tab: "list" });
  });

  it("gives the Dashboard sub-path of app-page routes only", () => {
    expect(appPageSubPath("/app/customers/Q3VzdDox%3D")).toBe("/customers/Q3VzdDox%3D");
    expect(appPageSubPath("/app/tickets")).toBe("/tickets");
    expect(appPageSubPath("/app")).toBe("/");
    expect(appPageSubPath("/widget/customer")).toBeUndefined();
    expect(appPageSubPath("/application")).toBeUndefined();
  });

  it("knows which routes are widgets", () => {
    expect(isWidgetRoute(matchRoute("/widget/home"))).toBe(true);
    expect(isWidgetRoute(matchRoute("/app/customers"))).toBe(false);
  });
});
