import { Box, Text } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";

import { displayName, formatMoney, formatNumber, formatRelative } from "../../core/format";
import { ErrorState, LinesSkeleton } from "../../core/ui/States";
import { CrmApiError } from "../../core/graphql-client";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import { AtRiskCustomers, type AtRiskSort, CrmCustomerStats } from "../graphql/documents";
import { LIFECYCLE_STAGES, NEEDS_MANAGE_ORDERS } from "../labels";
import { StageChip } from "../components";
import { TicketCountsRow } from "../../tickets/widgets/TicketCounts";
import { WidgetFrame } from "./WidgetFrame";

const BY_SPEND: AtRiskSort = { field: "TOTAL_SPENT", direction: "DESC" };
const BY_ORDERS: AtRiskSort = { field: "ORDERS_COUNT", direction: "DESC" };

/**
 * HOMEPAGE_WIDGETS: the customer base at a glance and who to win back.
 *
 * The at-risk list is ranked by spend across every channel, which only staff
 * with MANAGE_ORDERS in all channels may sort by; for everyone else the CRM
 * refuses that sort, and the list is ranked by number of orders instead.
 */
export function HomeWidget() {
  const { locale } = useCrm();
  const stats = useCrmQuery(CrmCustomerStats, {});
  const [sortBy, setSortBy] = useState<AtRiskSort>(BY_SPEND);
  const atRisk = useCrmQuery(AtRiskCustomers, { first: 5, sortBy });
  useEffect(() => {
    if (sortBy === BY_SPEND && isPermissionDenied(atRisk.error)) {
      setSortBy(BY_ORDERS);
    }
  }, [atRisk.error, sortBy]);
  const now = new Date();
  const counts = new Map(stats.data?.crmCustomerStats.byLifecycleStage.map((row) => [row.stage, row.count]));

  return (
    <WidgetFrame>
      {stats.error && !stats.loading ? (
        <ErrorState error={stats.error} onRetry={stats.refetch} compact />
      ) : !stats.data ? (
        <LinesSkeleton lines={2} />
      ) : (
        <Box display="grid" gap={2} __gridTemplateColumns="repeat(3, minmax(0, 1fr))">
          {LIFECYCLE_STAGES.map((stage) => (
            <Box key={stage.value} display="flex" flexDirection="column" gap={0.5}>
              <Text size={2} color="default2">
                {stage.label}
              </Text>
              <Text size={5} fontWeight="bold">
                {formatNumber(counts.get(stage.value) ?? 0, locale)}
              </Text>
            </Box>
          ))}
        </Box>
      )}
      <TicketCountsRow />
      <Box display="flex" flexDirection="column" gap={2}>
        <Box display="flex" justifyContent="space-between" gap={2} alignItems="baseline">
          <Text size={3} fontWeight="bold">
            Top customers at risk
          </Text>
          <Text size={2} color="default2">
            {sortBy === BY_SPEND ? "by spend" : "by orders"}
          </Text>
        </Box>
        {atRisk.error && !atRisk.loading && !(sortBy === BY_SPEND && isPermissionDenied(atRisk.error)) ? (
          <ErrorState error={atRisk.error} onRetry={atRisk.refetch} compact />
        ) : !atRisk.data ? (
          <LinesSkeleton lines={3} />
        ) : atRisk.data.customerProfiles?.edges.length ? (
          <>
            {atRisk.data.customerProfiles.edges.map(({ node }) => (
              <Box key={node.id} display="flex" justifyContent="space-between" gap={2} alignItems="center">
                <Box display="flex" flexDirection="column" __minWidth="0">
                  <Text size={3} ellipsis>
                    {displayName(node)}
                  </Text>
                  {node.lastOrderAt ? (
                    <Text size={2} color="default2">
                      Last order {formatRelative(node.lastOrderAt, now, locale)}
                    </Text>
                  ) : null}
                </Box>
                <Text size={3} fontWeight="medium" whiteSpace="nowrap">
                  {node.totalSpent
                    ? formatMoney(node.totalSpent, locale)
                    : node.ordersCount !== null && node.ordersCount !== undefined
                      ? `${formatNumber(node.ordersCount, locale)} ${node.ordersCount === 1 ? "order" : "orders"}`
                      : ""}
                </Text>
              </Box>
            ))}
            {atRisk.data.customerProfiles.edges.some(({ node }) => node.ordersCount === null) ? (
              <Text size={2} color="default2">
                {NEEDS_MANAGE_ORDERS}
              </Text>
            ) : null}
          </>
        ) : (
          <Box display="flex" gap={2} alignItems="center">
            <StageChip stage="AT_RISK" />
            <Text size={2} color="default2">
              Nobody right now.
            </Text>
          </Box>
        )}
      </Box>
    </WidgetFrame>
  );
}

function isPermissionDenied(error: unknown): boolean {
  return error instanceof CrmApiError && error.kind === "permission-denied";
}
