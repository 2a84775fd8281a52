import { Box, Text } from "@saleor/macaw-ui";

import { displayName, formatMoney, formatNumber, formatRelative } from "../../core/format";
import { ErrorState, LinesSkeleton } from "../../core/ui/States";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import { AtRiskCustomers, CrmCustomerStats } from "../graphql/documents";
import { LIFECYCLE_STAGES } from "../labels";
import { StageChip } from "../components";
import { TicketCountsRow } from "../../tickets/widgets/TicketCounts";
import { WidgetFrame } from "./WidgetFrame";

/** HOMEPAGE_WIDGETS: the customer base at a glance and who to win back. */
export function HomeWidget() {
  const { locale } = useCrm();
  const stats = useCrmQuery(CrmCustomerStats, {});
  const atRisk = useCrmQuery(AtRiskCustomers, { first: 5 });
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
        <Text size={3} fontWeight="bold">
          Top customers at risk
        </Text>
        {atRisk.error && !atRisk.loading ? (
          <ErrorState error={atRisk.error} onRetry={atRisk.refetch} compact />
        ) : !atRisk.data ? (
          <LinesSkeleton lines={3} />
        ) : atRisk.data.customerProfiles?.edges.length ? (
          atRisk.data.customerProfiles.edges.map(({ node }) => (
            <Box key={node.id} display="flex" justifyContent="space-between" gap={2} alignItems="center">
              <Box display="flex" flexDirection="column" __minWidth="0">
                <Text size={3} ellipsis>
                  {displayName(node)}
                </Text>
                <Text size={2} color="default2">
                  Last order {formatRelative(node.lastOrderAt, now, locale)}
                </Text>
              </Box>
              <Text size={3} fontWeight="medium" whiteSpace="nowrap">
                {formatMoney(node.totalSpent, locale)}
              </Text>
            </Box>
          ))
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
