import { DEFAULT_PATH } from "./launch-params";

/**
 * The extension's views. Each Dashboard mount opens one of the entry routes;
 * the customers app page also navigates between list, tickets, overview,
 * profile and ticket pages.
 */
export type CrmTab = "list" | "tickets" | "overview" | "marketing" | "webhooks";

export type Route =
  | { name: "customers"; tab: CrmTab }
  | { name: "profile"; profileId: string }
  | { name: "ticket"; ticketId: string }
  /** `segmentId` "new": the editor of a segment not saved yet. */
  | { name: "segment"; segmentId: string }
  /** `campaignId` "new": the editor of a campaign not saved yet. */
  | { name: "campaign"; campaignId: string }
  /** `webhookId` "new": the form of an endpoint not registered yet. */
  | { name: "webhook"; webhookId: string }
  | { name: "customer-widget" }
  | { name: "order-widget" }
  | { name: "home-widget" }
  | { name: "customer-actions-popup" }
  | { name: "not-found"; path: string };

export function matchRoute(path: string): Route {
  const segments = path.split("/").filter(Boolean);
  const [area, view, rest, ...extra] = segments;
  // The App URL itself (the Dashboard's "open app" from its extensions list).
  if (area === "app" && view === undefined) return { name: "customers", tab: "list" };
  if (area === "app" && view === "tickets") {
    if (rest === undefined) return { name: "customers", tab: "tickets" };
    if (extra.length === 0) return { name: "ticket", ticketId: safeDecode(rest) };
  }
  if (area === "app" && view === "marketing") {
    if (rest === undefined) return { name: "customers", tab: "marketing" };
    if (rest === "segments" && extra.length === 1 && extra[0]) {
      return { name: "segment", segmentId: safeDecode(extra[0]) };
    }
    if (rest === "campaigns" && extra.length === 1 && extra[0]) {
      return { name: "campaign", campaignId: safeDecode(extra[0]) };
    }
  }
  if (area === "app" && view === "webhooks") {
    if (rest === undefined) return { name: "customers", tab: "webhooks" };
    if (extra.length === 0) return { name: "webhook", webhookId: safeDecode(rest) };
  }
  if (area === "app" && view === "customers") {
    if (rest === undefined) return { name: "customers", tab: "list" };
    if (rest === "overview" && extra.length === 0) return { name: "customers", tab: "overview" };
    // Installations registered before the App URL became `#/app` had
    // `#/app/customers`, to which the Dashboard appends the sub-path.
    if (rest === "tickets" && extra.length === 0) return { name: "customers", tab: "tickets" };
    if (rest === "tickets" && extra.length === 1 && extra[0]) {
      return { name: "ticket", ticketId: safeDecode(extra[0]) };
    }
    if (extra.length === 0) return { name: "profile", profileId: safeDecode(rest) };
  }
  if (area === "widget" && rest === undefined) {
    if (view === "customer") return { name: "customer-widget" };
    if (view === "order") return { name: "order-widget" };
    if (view === "home") return { name: "home-widget" };
  }
  if (area === "popup" && view === "customer-actions" && rest === undefined) {
    return { name: "customer-actions-popup" };
  }
  return { name: "not-found", path };
}

export function routePath(route: Route): string {
  switch (route.name) {
    case "customers":
      return route.tab === "overview"
        ? "/app/customers/overview"
        : route.tab === "tickets"
          ? "/app/tickets"
          : route.tab === "marketing"
            ? "/app/marketing"
            : route.tab === "webhooks"
              ? "/app/webhooks"
              : DEFAULT_PATH;
    case "profile":
      return `/app/customers/${encodeURIComponent(route.profileId)}`;
    case "ticket":
      return `/app/tickets/${encodeURIComponent(route.ticketId)}`;
    case "segment":
      return `/app/marketing/segments/${encodeURIComponent(route.segmentId)}`;
    case "campaign":
      return `/app/marketing/campaigns/${encodeURIComponent(route.campaignId)}`;
    case "webhook":
      return `/app/webhooks/${encodeURIComponent(route.webhookId)}`;
    case "customer-widget":
      return "/widget/customer";
    case "order-widget":
      return "/widget/order";
    case "home-widget":
      return "/widget/home";
    case "customer-actions-popup":
      return "/popup/customer-actions";
    case "not-found":
      return route.path;
  }
}

/**
 * The app page's routes live under `/app`, and the App URL the Dashboard
 * knows ends in `#/app` (see crm_install_dashboard): the Dashboard path
 * `/extensions/app/<id>/customers/<profile>` loads `#/app/customers/<profile>`.
 * So the sub-path the Dashboard shows for a route is the route minus `/app`.
 */
export const APP_PAGE_PREFIX = "/app";

/** The Dashboard sub-path of an app-page path, or undefined for other views. */
export function appPageSubPath(path: string): string | undefined {
  if (path === APP_PAGE_PREFIX) return "/";
  if (!path.startsWith(`${APP_PAGE_PREFIX}/`)) return undefined;
  return path.slice(APP_PAGE_PREFIX.length);
}

/** Routes rendered in a Dashboard widget card: no page chrome, auto height. */
export function isWidgetRoute(route: Route): boolean {
  return (
    route.name === "customer-widget" || route.name === "order-widget" || route.name === "home-widget"
  );
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** In-app paths the views link to. */
export const appPaths = {
  customers: () => routePath({ name: "customers", tab: "list" }),
  tickets: () => routePath({ name: "customers", tab: "tickets" }),
  overview: () => routePath({ name: "customers", tab: "overview" }),
  profile: (profileId: string) => routePath({ name: "profile", profileId }),
  ticket: (ticketId: string) => routePath({ name: "ticket", ticketId }),
  marketing: () => routePath({ name: "customers", tab: "marketing" }),
  segment: (segmentId: string) => routePath({ name: "segment", segmentId }),
  newSegment: () => routePath({ name: "segment", segmentId: "new" }),
  campaign: (campaignId: string) => routePath({ name: "campaign", campaignId }),
  newCampaign: () => routePath({ name: "campaign", campaignId: "new" }),
  webhooks: () => routePath({ name: "customers", tab: "webhooks" }),
  webhook: (webhookId: string) => routePath({ name: "webhook", webhookId }),
  newWebhook: () => routePath({ name: "webhook", webhookId: "new" }),
};
