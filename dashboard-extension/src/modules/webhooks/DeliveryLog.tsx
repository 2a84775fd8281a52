import { Box, Button, Select, Text, type Option } from "@saleor/macaw-ui";
import { useState } from "react";

import { EMPTY, formatDateTime, formatNumber } from "../core/format";
import { describeError } from "../core/graphql-client";
import { Card } from "../core/ui/Card";
import { Cell, DataTable, type DataColumn } from "../core/ui/DataTable";
import { ChevronLeftIcon, ChevronRightIcon } from "../core/ui/icons";
import { EmptyState, ErrorState } from "../core/ui/States";
import { useCrm, useCrmQuery } from "../core/use-crm";
import { ToneChip } from "../customers/components";
import {
  canGoNext,
  canGoPrevious,
  firstPage,
  nextPage,
  pageVariables,
  previousPage,
  rangeLabel,
  type PageState,
} from "../customers/list/pagination";
import { CrmWebhookDeliveries, CrmWebhookDeliveryReplay } from "./graphql/documents";
import type { CrmWebhookDelivery, WebhookDeliveryStatus } from "./graphql/types";
import { DELIVERY_STATUSES, eventTypeName } from "./labels";

export const DELIVERIES_PAGE = 20;

const COLUMNS: DataColumn<never>[] = [
  { key: "time", label: "Time", width: "170px" },
  { key: "event", label: "Event" },
  { key: "status", label: "Status", width: "110px" },
  { key: "response", label: "Response", align: "right", width: "90px" },
  { key: "attempts", label: "Attempts", align: "right", width: "90px" },
  { key: "error", label: "Last error" },
  { key: "next", label: "Next attempt", width: "170px" },
  { key: "actions", label: "", align: "right", width: "90px" },
];

const NO_SORT = { field: undefined as never, direction: "ASC" as const };

const STATUS_OPTIONS: Option[] = [
  { value: "", label: "All deliveries" },
  { value: "FAILED", label: "Failed" },
  { value: "PENDING", label: "Pending" },
  { value: "SUCCEEDED", label: "Delivered" },
];

/** An endpoint's delivery log, newest first, a page at a time; failed deliveries are replayed from here. */
export function DeliveryLog({ webhookId }: { webhookId: string }) {
  const { client, dashboard, locale } = useCrm();
  const [status, setStatus] = useState<WebhookDeliveryStatus | "">("");
  const [page, setPage] = useState<PageState>(() => firstPage(DELIVERIES_PAGE));
  const [busy, setBusy] = useState<string | null>(null);
  const { data, error, loading, refetch } = useCrmQuery(CrmWebhookDeliveries, {
    webhook: webhookId,
    status: status || null,
    ...pageVariables(page),
  });
  const connection = data?.crmWebhookDeliveries ?? undefined;
  const rows = connection?.edges.map((edge) => edge.node);

  /** Queue failed deliveries again: one (`ids`), or all of the endpoint's (`webhook`). */
  const replay = async (key: string, variables: { ids: string[] } | { webhook: string }) => {
    setBusy(key);
    try {
      const payload = (await client.request(CrmWebhookDeliveryReplay, variables)).crmWebhookDeliveryReplay;
      if (!payload || payload.errors.length) {
        void dashboard.notify(
          "error",
          "Could not replay",
          payload?.errors.map((item) => item.message).join(" ") || undefined,
        );
        return;
      }
      const count = payload.replayed ?? 0;
      void dashboard.notify(
        count ? "success" : "info",
        count
          ? `${formatNumber(count, locale)} ${count === 1 ? "delivery" : "deliveries"} queued again`
          : "No failed deliveries to replay",
      );
      refetch();
    } catch (failure) {
      void dashboard.notify("error", "Could not replay", describeError(failure).detail);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card
      title="Delivery log"
      subtitle="Each event sent to this endpoint: failed ones are retried with back-off, then wait for a replay"
      actions={
        <>
          <Box __width="170px">
            <Select
              size="small"
              options={STATUS_OPTIONS}
              value={STATUS_OPTIONS.find((option) => option.value === status) ?? null}
              onChange={(option: Option) => {
                setStatus(option.value as WebhookDeliveryStatus | "");
                setPage(firstPage(DELIVERIES_PAGE));
              }}
              aria-label="Show"
            />
          </Box>
          <Button
            variant="secondary"
            size="small"
            disabled={busy !== null}
            onClick={() => void replay("all", { webhook: webhookId })}
          >
            {busy === "all" ? "Replaying…" : "Replay all failed"}
          </Button>
        </>
      }
      data-testid="delivery-log"
    >
      {error && !loading ? (
        <ErrorState error={error} onRetry={refetch} compact />
      ) : rows && rows.length === 0 ? (
        <EmptyState
          title={status ? "No deliveries with this status" : "Nothing sent yet"}
          detail={status ? undefined : "A delivery appears here when an event this endpoint receives happens."}
        />
      ) : (
        <DataTable<CrmWebhookDelivery, never>
          columns={COLUMNS}
          rows={rows}
          loading={loading}
          sort={NO_SORT}
          onSort={() => undefined}
          rowKey={(delivery) => delivery.id}
          rowTestId="delivery-row"
          skeletonRows={4}
          renderCells={(delivery) => {
            const label = DELIVERY_STATUSES[delivery.status];
            return (
              <>
                <Cell>
                  <Text size={2} title={`Happened ${formatDateTime(delivery.occurredAt, locale)}`}>
                    {formatDateTime(delivery.deliveredAt ?? delivery.lastAttemptAt ?? delivery.createdAt, locale)}
                  </Text>
                </Cell>
                <Cell>
                  <Box
                    as="code"
                    __fontFamily="ui-monospace, SFMono-Regular, Menlo, monospace"
                    __fontSize="0.92em"
                    title={`Event ID ${delivery.eventId}`}
                  >
                    {eventTypeName(delivery.eventType)}
                  </Box>
                </Cell>
                <Cell>
                  <ToneChip tone={label.tone}>{label.label}</ToneChip>
                </Cell>
                <Cell align="right">
                  <Text size={2}>{delivery.responseCode ?? EMPTY}</Text>
                </Cell>
                <Cell align="right">
                  <Text size={2}>{formatNumber(delivery.attempts, locale)}</Text>
                </Cell>
                <Cell>
                  <Text size={2} color={delivery.lastError ? "critical1" : "default2"} __wordBreak="break-word">
                    {delivery.lastError || EMPTY}
                  </Text>
                </Cell>
                <Cell>
                  <Text size={2} color="default2">
                    {delivery.status === "PENDING" && delivery.nextAttemptAt
                      ? formatDateTime(delivery.nextAttemptAt, locale)
                      : EMPTY}
                  </Text>
                </Cell>
                <Cell align="right">
                  {delivery.status === "FAILED" && (
                    <Button
                      variant="tertiary"
                      size="small"
                      disabled={busy !== null}
                      onClick={() => void replay(delivery.id, { ids: [delivery.id] })}
                      aria-label={`Replay ${eventTypeName(delivery.eventType)} of ${formatDateTime(delivery.createdAt, locale)}`}
                    >
                      {busy === delivery.id ? "Replaying…" : "Replay"}
                    </Button>
                  )}
                </Cell>
              </>
            );
          }}
        />
      )}
      {connection && rows && rows.length > 0 && (
        <Box display="flex" justifyContent="space-between" alignItems="center" gap={3}>
          <Text size={2} color="default2">
            {rangeLabel(page, rows.length, connection.totalCount)}
          </Text>
          <Box display="flex" alignItems="center" gap={2}>
            <Button
              variant="secondary"
              size="small"
              icon={<ChevronLeftIcon size={16} />}
              disabled={loading || !canGoPrevious(page, connection.pageInfo)}
              onClick={() => setPage((current) => previousPage(current, connection.pageInfo))}
              aria-label="Previous page"
            />
            <Button
              variant="secondary"
              size="small"
              icon={<ChevronRightIcon size={16} />}
              disabled={loading || !canGoNext(connection.pageInfo)}
              onClick={() => setPage((current) => nextPage(current, connection.pageInfo))}
              aria-label="Next page"
            />
          </Box>
        </Box>
      )}
    </Card>
  );
}
