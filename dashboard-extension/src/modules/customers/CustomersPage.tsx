import { Box } from "@saleor/macaw-ui";
import { lazy, Suspense } from "react";

import { Card } from "../core/ui/Card";
import { PageHeader } from "../core/ui/PageHeader";
import { LinesSkeleton } from "../core/ui/States";
import { Tabs } from "../core/ui/Tabs";
import { useCrm } from "../core/use-crm";
import { CustomersList } from "./list/CustomersList";

// Charts pull in the chart library: load them only when the tab is opened.
const OverviewTab = lazy(() => import("./overview/OverviewTab"));

export function CustomersPage({ tab }: { tab: "list" | "overview" }) {
  const { navigate } = useCrm();
  return (
    <Box display="flex" flexDirection="column">
      <PageHeader title="Customers" subtitle="Everyone who signed up, started a checkout or bought">
        <Tabs
          value={tab}
          onChange={(value) => navigate(value === "overview" ? "/app/customers/overview" : "/app/customers")}
          items={[
            { value: "list", label: "Customers" },
            { value: "overview", label: "Overview" },
          ]}
        />
      </PageHeader>
      <Box padding={6}>
        {tab === "list" ? (
          <CustomersList />
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
