import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";

import { formatDateTime, formatRelative } from "../core/format";
import { CrmApiError } from "../core/graphql-client";
import { Card } from "../core/ui/Card";
import { ErrorState } from "../core/ui/States";
import { useCrm, useCrmQuery } from "../core/use-crm";
import { CustomerProfileReads } from "./graphql/documents";
import type { ProfileRead } from "./graphql/types";
import { actionLabel, readerLabel, tokenMayReadAudit } from "./reads";

type Access = "checking" | boolean | undefined;

/**
 * The profile's read audit: who opened it or exported the customer's data,
 * newest first. Only for staff with MANAGE_STAFF; for anyone else it renders
 * nothing (and, when the token says so, asks nothing).
 */
export function ProfileReads({ profileId }: { profileId: string }) {
  const { client, locale } = useCrm();
  const [access, setAccess] = useState<Access>("checking");
  useEffect(() => {
    let live = true;
    const token = typeof client.token === "function" ? client.token() : Promise.resolve(undefined);
    token.then(
      (value) => live && setAccess(tokenMayReadAudit(value)),
      () => live && setAccess(undefined),
    );
    return () => {
      live = false;
    };
  }, [client]);
  const query = useCrmQuery(
    CustomerProfileReads,
    { id: profileId },
    { skip: access === "checking" || access === false },
  );
  const [more, setMore] = useState<{ reads: ProfileRead[]; endCursor: string | null; hasNextPage: boolean }>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>();
  useEffect(() => setMore(undefined), [query.data]);

  if (access === false) return null;
  const denied = query.error instanceof CrmApiError && query.error.kind === "permission-denied";
  const page = query.data?.customerProfile?.reads;
  if (denied || (query.data && !page)) return null;

  const title = "Who opened this profile";
  const subtitle = "Visible to staff with MANAGE_STAFF; opening again within minutes is recorded once";
  if (query.error && !query.loading) {
    return (
      <Card title={title}>
        <ErrorState error={query.error} onRetry={query.refetch} compact />
      </Card>
    );
  }
  // Nothing while loading: for most staff the answer is that there is nothing to show.
  if (!page) return null;

  const reads = [...page.edges.map((edge) => edge.node), ...(more?.reads ?? [])];
  const cursor = more ?? page.pageInfo;
  const loadMore = async () => {
    if (!cursor.endCursor) return;
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const data = await client.request(CustomerProfileReads, { id: profileId, after: cursor.endCursor });
      const next = data.customerProfile?.reads;
      if (next) {
        setMore({
          reads: [...(more?.reads ?? []), ...next.edges.map((edge) => edge.node)],
          endCursor: next.pageInfo.endCursor,
          hasNextPage: next.pageInfo.hasNextPage,
        });
      }
    } catch (failure) {
      setMoreError(failure);
    } finally {
      setLoadingMore(false);
    }
  };
  const now = new Date();

  return (
    <Card title={title} subtitle={subtitle}>
      {reads.length === 0 ? (
        <Text size={3} color="default2">
          Nobody has opened this profile yet.
        </Text>
      ) : (
        <Box as="ul" display="flex" flexDirection="column" gap={3} margin={0} padding={0} aria-label="Profile reads">
          {reads.map((read) => (
            <Box as="li" key={read.id} display="flex" flexDirection="column" gap={0.5}>
              <Text size={3} fontWeight="medium">
                {readerLabel(read)}
              </Text>
              <Text size={2} color="default2">
                {actionLabel(read)} · {formatDateTime(read.readAt, locale)} ({formatRelative(read.readAt, now, locale)})
              </Text>
            </Box>
          ))}
        </Box>
      )}
      {moreError !== undefined && <ErrorState error={moreError} onRetry={() => void loadMore()} compact />}
      {cursor.hasNextPage && (
        <Box>
          <Button variant="secondary" size="small" disabled={loadingMore} onClick={() => void loadMore()}>
            {loadingMore ? "Loading…" : "Show more"}
          </Button>
        </Box>
      )}
    </Card>
  );
}
