import { Box, Button, Text } from "@saleor/macaw-ui";

import { formatDateTime, formatNumber } from "../../core/format";
import { appPaths } from "../../core/routes";
import { Card } from "../../core/ui/Card";
import { Cell, DataTable, type DataColumn } from "../../core/ui/DataTable";
import { EmptyState, ErrorState } from "../../core/ui/States";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import { ToneChip } from "../../customers/components";
import { MarketingCampaigns } from "../graphql/documents";
import type { CampaignSummary } from "../graphql/types";
import { CAMPAIGN_STATUSES } from "../labels";
import { formatRate } from "./report";

const COLUMNS: DataColumn<never>[] = [
  { key: "name", label: "Campaign" },
  { key: "status", label: "Status", width: "130px" },
  { key: "audience", label: "Audience" },
  { key: "sent", label: "Sent", align: "right", width: "90px" },
  { key: "opened", label: "Opened", align: "right", width: "110px" },
  { key: "clicked", label: "Clicked", align: "right", width: "110px" },
];

const NO_SORT = { field: undefined as never, direction: "ASC" as const };

/** The Marketing tab's campaigns, newest first: status, audience and how they went. */
export function CampaignsList() {
  const { navigate, locale } = useCrm();
  const { data, error, loading, refetch } = useCrmQuery(MarketingCampaigns, { first: 50 });
  const rows = data?.campaigns?.edges.map((edge) => edge.node);
  return (
    <Card
      title="Campaigns"
      subtitle="Personalised emails to a segment, with an optional personal offer, A/B test and holdout"
      actions={
        <Button size="small" variant="primary" onClick={() => navigate(appPaths.newCampaign())}>
          New campaign
        </Button>
      }
      data-testid="campaigns-card"
    >
      {error && !loading ? (
        <ErrorState error={error} onRetry={refetch} compact />
      ) : rows && rows.length === 0 ? (
        <EmptyState
          title="No campaigns yet"
          detail="Write an email for a segment; it goes only to customers who subscribed."
        />
      ) : (
        <DataTable<CampaignSummary, never>
          columns={COLUMNS}
          rows={rows}
          loading={loading}
          sort={NO_SORT}
          onSort={() => undefined}
          onOpen={(campaign) => navigate(appPaths.campaign(campaign.id))}
          rowKey={(campaign) => campaign.id}
          rowTestId="campaign-row"
          skeletonRows={3}
          renderCells={(campaign) => {
            const status = CAMPAIGN_STATUSES[campaign.status];
            const { stats } = campaign;
            return (
              <>
                <Cell>
                  <Box display="flex" flexDirection="column">
                    <Text size={3} fontWeight="medium">
                      {campaign.name}
                    </Text>
                    <Text size={2} color="default2">
                      {campaign.finishedAt
                        ? `Finished ${formatDateTime(campaign.finishedAt, locale)}`
                        : campaign.scheduledAt
                          ? `Starts ${formatDateTime(campaign.scheduledAt, locale)}`
                          : `Created ${formatDateTime(campaign.createdAt, locale)}`}
                    </Text>
                  </Box>
                </Cell>
                <Cell>
                  <ToneChip tone={status.tone}>{status.label}</ToneChip>
                </Cell>
                <Cell>
                  <Text size={3}>
                    {campaign.segment ? campaign.segment.name : "Segment deleted"}
                    {stats.recipients > 0 && (
                      <Text size={2} color="default2">
                        {" "}
                        · {formatNumber(stats.recipients, locale)} recipients
                      </Text>
                    )}
                  </Text>
                </Cell>
                <Cell align="right">
                  <Text size={3}>{formatNumber(stats.sent, locale)}</Text>
                </Cell>
                <Cell align="right">
                  <Text size={3}>{formatNumber(stats.opened, locale)}</Text>
                  <Text size={2} color="default2" display="block">
                    {formatRate(stats.opened, stats.sent, locale)}
                  </Text>
                </Cell>
                <Cell align="right">
                  <Text size={3}>{formatNumber(stats.clicked, locale)}</Text>
                  <Text size={2} color="default2" display="block">
                    {formatRate(stats.clicked, stats.sent, locale)}
                  </Text>
                </Cell>
              </>
            );
          }}
        />
      )}
    </Card>
  );
}
