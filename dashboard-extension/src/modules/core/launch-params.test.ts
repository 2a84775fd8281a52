import { describe, expect, it } from "vitest";

import { parseLaunchLocation, themeFromParams } from "./launch-params";
import { isWidgetRoute, matchRoute, routePath } from "./routes";

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

  it("knows which routes are widgets", () => {
    expect(isWidgetRoute(matchRoute("/widget/home"))).toBe(true);
    expect(isWidgetRoute(matchRoute("/app/customers"))).toBe(false);
  });
});
