import { Box, Button, Text } from "@saleor/macaw-ui";
import { useCallback, useEffect, useRef, useState } from "react";

import { formatDateTime, formatRelative } from "../../core/format";
import { ErrorState, LinesSkeleton } from "../../core/ui/States";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import { CustomerProfileTimeline } from "../graphql/documents";
import {
  appendTimelinePage,
  describeTimelineEvent,
  timelineFromConnection,
  type TimelineState,
} from "./timeline";

/** The customer's history, newest first; older events load as you scroll. */
export function Timeline({ profileId }: { profileId: string }) {
  const { client, dashboard, locale } = useCrm();
  const first = useCrmQuery(CustomerProfileTimeline, { id: profileId });
  const [state, setState] = useState<TimelineState>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();
  const sentinel = useRef<HTMLDivElement>(null);
  const now = new Date();

  useEffect(() => {
    const page = first.data?.customerProfile?.timeline;
    if (page) setState(timelineFromConnection(page));
  }, [first.data]);

  const loadMore = useCallback(async () => {
    if (loading || !state?.hasMore) return;
    setLoading(true);
    setError(undefined);
    try {
      const data = await client.request(CustomerProfileTimeline, { id: profileId, after: state.cursor });
      const page = data.customerProfile?.timeline;
      setState((current) =>
        current && (page ? appendTimelinePage(current, page) : { ...current, hasMore: false }),
      );
    } catch (failure) {
      setError(failure);
    } finally {
      setLoading(false);
    }
  }, [client, loading, profileId, state?.cursor, state?.hasMore]);

  useEffect(() => {
    const node = sentinel.current;
    if (!node || !state?.hasMore || error || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void loadMore();
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [loadMore, state?.hasMore, error]);

  if (first.error && !first.loading) return <ErrorState error={first.error} onRetry={first.refetch} compact />;
  if (!state) return <LinesSkeleton lines={5} />;
  if (state.events.length === 0) {
    return (
      <Text size={3} color="default2">
        Nothing has happened yet.
      </Text>
    );
  }

  return (
    <Box display="flex" flexDirection="column">
      <Box as="ol" display="flex" flexDirection="column" margin={0} padding={0}>
        {state.events.map((event, index) => {
          const entry = describeTimelineEvent(event, locale);
          const last = index === state.events.length - 1;
          return (
            <Box as="li" key={event.id} display="flex" gap={3}>
              <Box display="flex" flexDirection="column" alignItems="center" __width="12px">
                <Box
                  __width="9px"
                  __height="9px"
                  borderRadius="50%"
                  backgroundColor={event.type === "STAGE_CHANGED" ? "accent1" : "default3"}
                  __marginTop="6px"
                  flexShrink="0"
                />
                {!last && <Box __width="1px" __flex="1" backgroundColor="default3" />}
              </Box>
              <Box display="flex" flexDirection="column" gap={0.5} paddingBottom={4} __flex="1" __minWidth="0">
                <Box display="flex" justifyContent="space-between" gap={3}>
                  <Text size={3} fontWeight="medium">
                    {entry.title}
                  </Text>
                  <Text size={2} color="default2" whiteSpace="nowrap" title={formatDateTime(event.occurredAt, locale)}>
                    {formatRelative(event.occurredAt, now, locale)}
                  </Text>
                </Box>
                {(entry.detail || entry.orderId) && (
                  <Box display="flex" gap={2} alignItems="center" flexWrap="wrap">
                    {entry.detail && (
                      <Text size={2} color="default2">
                        {entry.detail}
                      </Text>
                    )}
                    {entry.orderId && (
                      <Box
                        as="button"
                        type="button"
                        onClick={() => void dashboard.openOrder(entry.orderId!)}
                        __backgroundColor="transparent"
                        borderWidth={0}
                        padding={0}
                        cursor="pointer"
                      >
                        <Text size={2} color="accent1">
                          View order
                        </Text>
                      </Box>
                    )}
                  </Box>
                )}
              </Box>
            </Box>
          );
        })}
      </Box>
      <div ref={sentinel} />
      {error ? (
        <ErrorState error={error} onRetry={() => void loadMore()} compact />
      ) : (
        state.hasMore && (
          <Box display="flex" justifyContent="center">
            <Button variant="secondary" size="small" disabled={loading} onClick={() => void loadMore()}>
              {loading ? "Loading…" : "Load older events"}
            </Button>
          </Box>
        )
      )}
    </Box>
  );
}
