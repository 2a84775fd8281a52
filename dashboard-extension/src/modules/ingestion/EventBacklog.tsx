import { Box, Text, useTheme } from "@saleor/macaw-ui";

import { CrmApiError } from "../core/graphql-client";
import { CircleCheckIcon, ClockIcon, WarningIcon } from "../core/ui/icons";
import { useCrm, useCrmQuery } from "../core/use-crm";
import { useVisibleInterval } from "../core/use-visible-interval";
import { describeEventBacklog, REPLAY_COMMAND } from "./backlog";
import { CrmEventBacklog as CrmEventBacklogQuery } from "./graphql/documents";
import type { CrmEventBacklog } from "./graphql/types";

/** How often the CRM page asks again, while it is visible. */
export const BACKLOG_REFRESH_MS = 30_000;

/**
 * The store events the CRM has not applied yet, asked again every 30 s
 * while the page is visible. Undefined until the first answer, and for
 * staff without MANAGE_USERS (they get PermissionDenied, and no polling).
 * A refresh keeps the previous figures on screen until the new ones arrive,
 * and after a failed refresh, so the line never blinks.
 */
export function useEventBacklog(): CrmEventBacklog | undefined {
  const { data, error, refetch } = useCrmQuery(CrmEventBacklogQuery, {});
  const denied = error instanceof CrmApiError && error.kind === "permission-denied";
  useVisibleInterval(refetch, BACKLOG_REFRESH_MS, !denied);
  return denied ? undefined : data?.crmEventBacklog;
}

const ICONS = { success1: CircleCheckIcon, default: ClockIcon, warning1: WarningIcon } as const;

/** One line for the page header: "Up to date", or how many events wait and for how long. */
export function EventBacklogStatus({ backlog }: { backlog: CrmEventBacklog }) {
  const { locale } = useCrm();
  const { status } = describeEventBacklog(backlog, locale);
  if (!status) return null;
  const Icon = ICONS[status.tone];
  return (
    <Box
      role="status"
      aria-label="Store events"
      data-testid="event-backlog-status"
      display="flex"
      alignItems="center"
      gap={1.5}
      title={status.detail}
    >
      <Box display="flex" color={status.tone === "default" ? "default2" : status.tone} aria-hidden>
        <Icon size={16} />
      </Box>
      <Text size={2} color="default2" whiteSpace="nowrap">
        {status.text}
      </Text>
    </Box>
  );
}

/** The operator's part: failed events stay parked until someone replays them. */
export function FailedEventsNotice({ backlog }: { backlog: CrmEventBacklog }) {
  const { locale } = useCrm();
  const { theme } = useTheme();
  const { failed } = describeEventBacklog(backlog, locale);
  if (!failed) return null;
  // The warning background stays pale in the dark theme: outlined there, as ToneChip does.
  const dark = theme === "defaultDark";
  return (
    <Box
      role="alert"
      data-testid="event-backlog-failed"
      display="flex"
      alignItems="center"
      gap={2}
      paddingX={4}
      paddingY={3}
      borderRadius={4}
      borderWidth={1}
      borderStyle="solid"
      borderColor={dark ? "warning1" : "transparent"}
      backgroundColor={dark ? "default1" : "warning1"}
    >
      <Box display="flex" color={dark ? "warning1" : "default1"} aria-hidden>
        <WarningIcon size={16} />
      </Box>
      <Text size={2} color="default1">
        {failed.text}: an operator replays {failed.count === 1 ? "it" : "them"} with{" "}
        <Box as="code" __fontFamily="ui-monospace, SFMono-Regular, Menlo, monospace" __fontSize="0.92em">
          {REPLAY_COMMAND}
        </Box>
      </Text>
    </Box>
  );
}
