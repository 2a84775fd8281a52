import { Box } from "@saleor/macaw-ui";
import { lazy, Suspense } from "react";

import { appPaths, type CrmTab } from "../core/routes";
import { Card } from "../core/ui/Card";
import { PageHeader } from "../core/ui/PageHeader";
import { LinesSkeleton } from "../core/ui/States";
import { Tabs } from "../core/ui/Tabs";
import { useCrm } from "../core/use-crm";
import { EventBacklogStatus, FailedEventsNotice, useEventBacklog } from "../ingestion/EventBacklog";
import { MarketingTab } from "../marketing/MarketingTab";
import { TicketInbox } from "../tickets/inbox/TicketInbox";
import { TurnedOffNotice, useTurnedOffWebhooks } from "../webhooks/TurnedOffNotice";
import { WebhooksTab } from "../webhooks/WebhooksTab";
import { CustomersList } from "./list/CustomersList";

// Charts pull in the chart library: load them only when the tab is opened.
const OverviewTab = lazy(() => import("./overview/OverviewTab"));

const SUBTITLES: Record<CrmTab, string> = {
  list: "Everyone who signed up, started a checkout or bought",
  tickets: "Customer requests by email, web form, chat and phone",
  overview: "The customer base and the help desk at a glance",
  marketing: "Segments of your customers and the email campaigns sent to them",
  webhooks: "CRM events sent to your other systems as they happen",
};

const PATHS: Record<CrmTab, () => string> = {
  list: appPaths.customers,
  tickets: appPaths.tickets,
  overview: appPaths.overview,
  marketing: appPaths.marketing,
  webhooks: appPaths.webhooks,
};

export function CustomersPage({ tab }: { tab: CrmTab }) {
  const { navigate } = useCrm();
  // Asked here, once for the header line and the warning; on every tab.
  const backlog = useEventBacklog();
  // Endpoints the CRM turned off, on every tab; the Webhooks tab lists them itself.
  const turnedOff = useTurnedOffWebhooks(tab === "webhooks");
  return (
    <Box display="flex" flexDirection="column">
      <PageHeader
        title="Customers"
        subtitle={SUBTITLES[tab]}
        actions={backlog && <EventBacklogStatus backlog={backlog} />}
      >
        <Tabs
          value={tab}
          onChange={(value) => navigate(PATHS[value]())}
          items={[
            { value: "list", label: "Customers" },
            { value: "tickets", label: "Tickets" },
            { value: "overview", label: "Overview" },
            { value: "marketing", label: "Marketing" },
            { value: "webhooks", label: "Webhooks" },
          ]}
        />
      </PageHeader>
      <Box padding={6}>
        {backlog && backlog.failedCount > 0 && (
          <Box marginBottom={4}>
            <FailedEventsNotice backlog={backlog} />
          </Box>
        )}
        {tab !== "webhooks" && turnedOff.webhooks.length > 0 && (
          <Box marginBottom={4}>
            <TurnedOffNotice webhooks={turnedOff.webhooks} onChanged={turnedOff.refetch} showLink />
          </Box>
        )}
        {tab === "list" ? (
          <CustomersList />
        ) : tab === "tickets" ? (
          <TicketInbox />
        ) : tab === "marketing" ? (
          <MarketingTab />
        ) : tab === "webhooks" ? (
          <WebhooksTab />
        ) : (
          <Suspense
            fallback={
              <Card>
                <LinesSkeleton lines={6} />
              </Card>
            }
          >
            <OverviewTab />
          </Suspense>
        )}
      </Box>
    </Box>
  );
}
