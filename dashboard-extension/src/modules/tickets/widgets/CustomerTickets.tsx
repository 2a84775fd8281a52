import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";

import { formatNumber } from "../../core/format";
import { ErrorState, LinesSkeleton } from "../../core/ui/States";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import { TicketLine } from "../components";
import { CustomerTickets as CustomerTicketsQuery } from "../graphql/documents";
import type { TicketSummary } from "../graphql/types";

/** A customer's tickets, newest first, ten at a time. */
export function CustomerTickets({
  profileId,
  onOpen,
  emptyText = "No tickets from this customer.",
  pageable = true,
}: {
  profileId: string;
  onOpen: (ticket: TicketSummary) => void;
  emptyText?: string;
  pageable?: boolean;
}) {
  const { client, locale } = useCrm();
  const first = useCrmQuery(CustomerTicketsQuery, { id: profileId });
  const [tickets, setTickets] = useState<TicketSummary[]>();
  const [cursor, setCursor] = useState<{ hasNextPage: boolean; endCursor: string | null }>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>();
  const profile = first.data?.customerProfile;

  useEffect(() => {
    const page = first.data?.customerProfile?.tickets;
    if (page) {
      setTickets(page.edges.map((edge) => edge.node));
      setCursor(page.pageInfo);
    } else if (first.data) {
      setTickets([]);
    }
  }, [first.data]);

  const loadMore = async () => {
    if (!cursor?.endCursor) return;
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const data = await client.request(CustomerTicketsQuery, { id: profileId, after: cursor.endCursor });
      const page = data.customerProfile?.tickets;
      if (page) {
        setTickets((current) => {
          const seen = new Set((current ?? []).map((ticket) => ticket.id));
          return [...(current ?? []), ...page.edges.map((edge) => edge.node).filter((ticket) => !seen.has(ticket.id))];
        });
        setCursor(page.pageInfo);
      }
    } catch (failure) {
      setMoreError(failure);
    } finally {
      setLoadingMore(false);
    }
  };

  if (first.error && !first.loading) return <ErrorState error={first.error} onRetry={first.refetch} compact />;
  if (!tickets) return <LinesSkeleton lines={3} />;

  return (
    <Box display="flex" flexDirection="column" gap={2}>
      {profile && profile.satisfactionCount > 0 && profile.satisfactionAverage !== null && (
        <Text size={2} color="default2">
          Rates the help {formatNumber(profile.satisfactionAverage, locale, 1)} / 5 on average ({profile.satisfactionCount}{" "}
          {profile.satisfactionCount === 1 ? "rating" : "ratings"})
        </Text>
      )}
      {tickets.length === 0 ? (
        <Text size={3} color="default2">
          {emptyText}
        </Text>
      ) : (
        <Box display="flex" flexDirection="column" gap={1}>
          {tickets.map((ticket) => (
            <TicketLine key={ticket.id} ticket={ticket} locale={locale} onOpen={() => onOpen(ticket)} />
          ))}
        </Box>
      )}
      {moreError ? <ErrorState error={moreError} onRetry={() => void loadMore()} compact /> : null}
      {pageable && cursor?.hasNextPage && !moreError && (
        <Box display="flex" justifyContent="center">
          <Button variant="secondary" size="small" disabled={loadingMore} onClick={() => void loadMore()}>
            {loadingMore ? "Loading…" : "Show more tickets"}
          </Button>
        </Box>
      )}
    </Box>
  );
}
