import { Box, Button, Text } from "@saleor/macaw-ui";

import { formatDateTime, formatNumber } from "../core/format";
import { appPaths } from "../core/routes";
import { Card } from "../core/ui/Card";
import { Cell, DataTable, type DataColumn } from "../core/ui/DataTable";
import { EmptyState, ErrorState } from "../core/ui/States";
import { useCrm, useCrmQuery } from "../core/use-crm";
import { ToneChip } from "../customers/components";
import { CrmWebhooks } from "./graphql/documents";
import type { CrmWebhook } from "./graphql/types";
import { endpointLabel, endpointStatus, eventTypesSummary, isTurnedOff } from "./labels";
import { isPermissionDenied, WebhooksPermissionNotice } from "./PermissionNotice";
import { TurnedOffNotice, WEBHOOKS_PAGE } from "./TurnedOffNotice";

const COLUMNS: DataColumn<never>[] = [
  { key: "endpoint", label: "Endpoint" },
  { key: "events", label: "Events" },
  { key: "status", label: "Status", width: "130px" },
  { key: "failures", label: "Failures in a row", align: "right", width: "150px" },
];

const NO_SORT = { field: undefined as never, direction: "ASC" as const };

/** The CRM page's Webhooks tab: the endpoints CRM events are POSTed to, oldest first. */
export function WebhooksTab() {
  const { navigate, locale } = useCrm();
  const { data, error, loading, refetch } = useCrmQuery(CrmWebhooks, { first: WEBHOOKS_PAGE });
  if (isPermissionDenied(error)) return <WebhooksPermissionNotice />;
  const rows = data?.crmWebhooks?.edges.map((edge) => edge.node);
  const turnedOff = (rows ?? []).filter(isTurnedOff);
  return (
    <Box display="flex" flexDirection="column" gap={4}>
      <TurnedOffNotice webhooks={turnedOff} onChanged={refetch} />
      <Card
        title="Webhook endpoints"
        subtitle="CRM events POSTed, signed, to your other systems as they happen"
        actions={
          <Button size="small" variant="primary" onClick={() => navigate(appPaths.newWebhook())}>
            Add endpoint
          </Button>
        }
        data-testid="webhooks-card"
      >
        {error && !loading ? (
          <ErrorState error={error} onRetry={refetch} compact />
        ) : rows && rows.length === 0 ? (
          <EmptyState
            title="No webhook endpoints yet"
            detail="Webhooks keep another system in step with the CRM: a data warehouse, a marketing tool or your own service gets a signed POST when a profile is created or erased, a customer enters a segment, consent changes, a ticket is solved or a campaign is sent."
            action={
              <Button size="small" variant="secondary" onClick={() => navigate(appPaths.newWebhook())}>
                Add the first endpoint
              </Button>
            }
          />
        ) : (
          <DataTable<CrmWebhook, never>
            columns={COLUMNS}
            rows={rows}
            loading={loading}
            sort={NO_SORT}
            onSort={() => undefined}
            onOpen={(webhook) => navigate(appPaths.webhook(webhook.id))}
            rowKey={(webhook) => webhook.id}
            rowTestId="webhook-row"
            skeletonRows={3}
            renderCells={(webhook) => {
              const status = endpointStatus(webhook);
              return (
                <>
                  <Cell>
                    <Box display="flex" flexDirection="column" __minWidth="0">
                      <Text size={3} fontWeight="medium">
                        {endpointLabel(webhook)}
                      </Text>
                      <Text size={2} color="default2" __wordBreak="break-all">
                        {webhook.url}
                      </Text>
                    </Box>
                  </Cell>
                  <Cell>
                    <Text size={2}>{eventTypesSummary(webhook.eventTypes)}</Text>
                  </Cell>
                  <Cell>
                    <ToneChip
                      tone={status.tone}
                      title={
                        isTurnedOff(webhook)
                          ? `Turned off ${formatDateTime(webhook.disabledAt, locale)}: ${webhook.disabledReason}`
                          : undefined
                      }
                    >
                      {status.label}
                    </ToneChip>
                    {isTurnedOff(webhook) && (
                      <Text size={1} color="default2" display="block" marginTop={1}>
                        {formatDateTime(webhook.disabledAt, locale)}
                      </Text>
                    )}
                  </Cell>
                  <Cell align="right">
                    <Text size={3} color={webhook.consecutiveFailures > 0 ? "critical1" : "default1"}>
                      {formatNumber(webhook.consecutiveFailures, locale)}
                    </Text>
                  </Cell>
                </>
              );
            }}
          />
        )}
      </Card>
    </Box>
  );
}
