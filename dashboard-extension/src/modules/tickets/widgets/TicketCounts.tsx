import { Box, Text } from "@saleor/macaw-ui";

import { formatNumber } from "../../core/format";
import { ErrorState, LinesSkeleton } from "../../core/ui/States";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import { CrmTicketCounts } from "../graphql/documents";
import { useOpenInApp } from "./open-in-app";

/** The home widget's help desk figures: open tickets and those past an SLA target. */
export function TicketCountsRow() {
  const { locale } = useCrm();
  const openInApp = useOpenInApp();
  const { data, error, loading, refetch } = useCrmQuery(CrmTicketCounts, {});
  const counts = data?.crmTicketStats;
  return (
    <Box display="flex" flexDirection="column" gap={2}>
      <Box display="flex" justifyContent="space-between" alignItems="center" gap={2}>
        <Text size={3} fontWeight="bold">
          Help desk
        </Text>
        <Box
          as="button"
          type="button"
          onClick={() => openInApp("/tickets")}
          __backgroundColor="transparent"
          borderWidth={0}
          padding={0}
          cursor="pointer"
        >
          <Text size={2} color="accent1">
            Open the inbox
          </Text>
        </Box>
      </Box>
      {error && !loading ? (
        <ErrorState error={error} onRetry={refetch} compact />
      ) : !counts ? (
        <LinesSkeleton lines={1} />
      ) : (
        <Box display="grid" gap={2} __gridTemplateColumns="repeat(3, minmax(0, 1fr))">
          <Box display="flex" flexDirection="column" gap={0.5}>
            <Text size={2} color="default2">
              Open tickets
            </Text>
            <Text size={5} fontWeight="bold">
              {formatNumber(counts.openCount, locale)}
            </Text>
          </Box>
          <Box display="flex" flexDirection="column" gap={0.5}>
            <Text size={2} color="default2">
              SLA breached
            </Text>
            <Text size={5} fontWeight="bold" color={counts.breachedCount > 0 ? "critical1" : "default1"}>
              {formatNumber(counts.breachedCount, locale)}
            </Text>
          </Box>
        </Box>
      )}
    </Box>
  );
}
