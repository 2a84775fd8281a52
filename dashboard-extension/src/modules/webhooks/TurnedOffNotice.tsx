import { Box, Button, Text, useTheme } from "@saleor/macaw-ui";
import { useState } from "react";

import { formatDateTime } from "../core/format";
import { CrmApiError, describeError } from "../core/graphql-client";
import { appPaths } from "../core/routes";
import { WarningIcon } from "../core/ui/icons";
import { useCrm, useCrmQuery } from "../core/use-crm";
import { CrmWebhooks, CrmWebhookUpdate } from "./graphql/documents";
import type { CrmWebhook } from "./graphql/types";
import { endpointLabel, isTurnedOff } from "./labels";

/** As many endpoints as the API lists on a page: a store has a handful. */
export const WEBHOOKS_PAGE = 100;

/**
 * The endpoints the CRM turned off, for the notice on the CRM page's other
 * tabs. Nothing for staff whose token may not see webhooks (no MANAGE_APPS):
 * the Webhooks tab explains that.
 */
export function useTurnedOffWebhooks(skip: boolean): { webhooks: CrmWebhook[]; refetch: () => void } {
  const { data, error, refetch } = useCrmQuery(CrmWebhooks, { first: WEBHOOKS_PAGE }, { skip });
  const denied = error instanceof CrmApiError && error.kind === "permission-denied";
  const webhooks = denied ? [] : (data?.crmWebhooks?.edges ?? []).map((edge) => edge.node).filter(isTurnedOff);
  return { webhooks, refetch };
}

/** Endpoints the CRM turned off after failures in a row: why, when, and a way to turn each on again. */
export function TurnedOffNotice({
  webhooks,
  onChanged,
  showLink = false,
}: {
  webhooks: CrmWebhook[];
  onChanged: () => void;
  /** Off the Webhooks tab: a link there. */
  showLink?: boolean;
}) {
  const { client, dashboard, locale, navigate } = useCrm();
  const { theme } = useTheme();
  const [busy, setBusy] = useState<string | null>(null);
  if (!webhooks.length) return null;
  // The warning background stays pale in the dark theme: outlined there, as ToneChip does.
  const dark = theme === "defaultDark";
  const turnOn = async (webhook: CrmWebhook) => {
    setBusy(webhook.id);
    try {
      const payload = (await client.request(CrmWebhookUpdate, { id: webhook.id, input: { isActive: true } }))
        .crmWebhookUpdate;
      if (!payload?.webhook || payload.errors.length) {
        void dashboard.notify(
          "error",
          "Could not turn the endpoint on",
          payload?.errors.map((error) => error.message).join(" ") || undefined,
        );
        return;
      }
      void dashboard.notify("success", "Endpoint turned on", "The deliveries that waited go out now.");
      onChanged();
    } catch (failure) {
      void dashboard.notify("error", "Could not turn the endpoint on", describeError(failure).detail);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Box
      role="alert"
      data-testid="webhooks-turned-off"
      display="flex"
      flexDirection="column"
      gap={2}
      paddingX={4}
      paddingY={3}
      borderRadius={4}
      borderWidth={1}
      borderStyle="solid"
      borderColor={dark ? "warning1" : "transparent"}
      backgroundColor={dark ? "default1" : "warning1"}
    >
      <Box display="flex" alignItems="center" gap={2}>
        <Box display="flex" color={dark ? "warning1" : "default1"} aria-hidden>
          <WarningIcon size={16} />
        </Box>
        <Text size={3} fontWeight="bold" color="default1">
          {webhooks.length === 1
            ? "A webhook endpoint was turned off after failed deliveries"
            : `${webhooks.length} webhook endpoints were turned off after failed deliveries`}
        </Text>
        {showLink && (
          <Button variant="tertiary" size="small" onClick={() => navigate(appPaths.webhooks())}>
            Open webhooks
          </Button>
        )}
      </Box>
      <Text size={2} color="default1">
        No events are recorded for an endpoint while it is off. Fix the receiver, then turn it on: the deliveries
        that were waiting go out.
      </Text>
      {webhooks.map((webhook) => (
        <Box key={webhook.id} display="flex" alignItems="center" justifyContent="space-between" gap={3} data-testid="turned-off-webhook">
          <Text size={2} color="default1">
            <Text size={2} fontWeight="medium" color="default1">
              {endpointLabel(webhook)}
            </Text>
            {" "}· off since {formatDateTime(webhook.disabledAt, locale)}
            {webhook.disabledReason ? ` · ${webhook.disabledReason}` : ""}
          </Text>
          <Button
            variant="secondary"
            size="small"
            disabled={busy !== null}
            onClick={() => void turnOn(webhook)}
            aria-label={`Turn on ${endpointLabel(webhook)}`}
          >
            {busy === webhook.id ? "Turning on…" : "Turn on"}
          </Button>
        </Box>
      ))}
    </Box>
  );
}
