import { AppBridgeProvider, useAppBridge, type AppBridge } from "@saleor/app-sdk/app-bridge";
import { Box, Button, ThemeProvider } from "@saleor/macaw-ui";
import { lazy, Suspense, useMemo } from "react";

import { CrmProvider } from "./modules/core/crm-context";
import { createDashboardActions } from "./modules/core/dashboard-bridge";
import type { CrmClient } from "./modules/core/graphql-client";
import type { HashRouter } from "./modules/core/hash-router";
import type { ThemeName } from "./modules/core/launch-params";
import { matchRoute, type Route } from "./modules/core/routes";
import { ThemeSynchronizer } from "./modules/core/ThemeSynchronizer";
import { userIdFromToken } from "./modules/core/token-store";
import { EmptyState, LinesSkeleton } from "./modules/core/ui/States";
import { useHashRoute } from "./modules/core/use-hash-route";
import { CustomersPage } from "./modules/customers/CustomersPage";
import { ProfilePage } from "./modules/customers/profile/ProfilePage";
import { CustomerActionsPopup } from "./modules/customers/widgets/CustomerActionsPopup";
import { CustomerWidget, OrderWidget } from "./modules/customers/widgets/CustomerWidget";
import { HomeWidget } from "./modules/customers/widgets/HomeWidget";

// Segment and campaign pages are only reached from the Marketing tab: load them when opened.
const SegmentPage = lazy(() =>
  import("./modules/marketing/segments/SegmentPage").then((module) => ({ default: module.SegmentPage })),
);
const CampaignPage = lazy(() =>
  import("./modules/marketing/campaigns/CampaignPage").then((module) => ({ default: module.CampaignPage })),
);

// An endpoint's page is only reached from the Webhooks tab: load it when opened.
const WebhookPage = lazy(() =>
  import("./modules/webhooks/WebhookPage").then((module) => ({ default: module.WebhookPage })),
);

// The ticket page is only reached from the app page: load it when opened.
const TicketPage = lazy(() =>
  import("./modules/tickets/ticket/TicketPage").then((module) => ({ default: module.TicketPage })),
);

export interface AppProps {
  appBridge: AppBridge;
  client: CrmClient;
  params: URLSearchParams;
  router: HashRouter;
  initialTheme?: ThemeName;
}

export function App({ appBridge, client, params, router, initialTheme }: AppProps) {
  return (
    <AppBridgeProvider appBridgeInstance={appBridge}>
      <ThemeProvider defaultTheme={initialTheme === "dark" ? "defaultDark" : "defaultLight"}>
        <ThemeSynchronizer />
        <Shell appBridge={appBridge} client={client} params={params} router={router} />
      </ThemeProvider>
    </AppBridgeProvider>
  );
}

function Shell({ appBridge, client, params, router }: Omit<AppProps, "initialTheme">) {
  const [path, navigate] = useHashRoute(router);
  const { appBridgeState } = useAppBridge();
  const locale = appBridgeState?.locale || params.get("locale") || undefined;
  const saleorApiUrl = params.get("saleorApiUrl") || appBridgeState?.saleorApiUrl || undefined;
  const value = useMemo(
    () => ({
      client,
      dashboard: createDashboardActions(appBridge, { appId: params.get("id") }),
      params,
      locale,
      navigate,
      saleor: saleorApiUrl ? client.withEndpoint(saleorApiUrl) : undefined,
      currentUserId: async () => userIdFromToken(await client.token()),
    }),
    [client, appBridge, params, locale, navigate, saleorApiUrl],
  );
  const route = matchRoute(path);
  return (
    <CrmProvider value={value}>
      <View route={route} onHome={() => navigate("/app/customers")} />
    </CrmProvider>
  );
}

function View({ route, onHome }: { route: Route; onHome: () => void }) {
  switch (route.name) {
    case "customers":
      return <CustomersPage tab={route.tab} />;
    case "profile":
      return <ProfilePage key={route.profileId} profileId={route.profileId} />;
    case "ticket":
      return (
        <Suspense
          fallback={
            <Box padding={6}>
              <LinesSkeleton lines={8} />
            </Box>
          }
        >
          <TicketPage key={route.ticketId} ticketId={route.ticketId} />
        </Suspense>
      );
    case "segment":
      return (
        <Suspense fallback={<PageSkeleton />}>
          <SegmentPage key={route.segmentId} segmentId={route.segmentId} />
        </Suspense>
      );
    case "campaign":
      return (
        <Suspense fallback={<PageSkeleton />}>
          <CampaignPage key={route.campaignId} campaignId={route.campaignId} />
        </Suspense>
      );
    case "webhook":
      return (
        <Suspense fallback={<PageSkeleton />}>
          <WebhookPage key={route.webhookId} webhookId={route.webhookId} />
        </Suspense>
      );
    case "customer-widget":
      return <CustomerWidget />;
    case "order-widget":
      return <OrderWidget />;
    case "home-widget":
      return <HomeWidget />;
    case "customer-actions-popup":
      return <CustomerActionsPopup />;
    case "not-found":
      return (
        <Box padding={6}>
          <EmptyState
            title="Nothing here"
            detail={`The CRM has no page at ${route.path}.`}
            action={
              <Button variant="secondary" onClick={onHome}>
                Go to customers
              </Button>
            }
          />
        </Box>
      );
  }
}

function PageSkeleton() {
  return (
    <Box padding={6}>
      <LinesSkeleton lines={8} />
    </Box>
  );
}
