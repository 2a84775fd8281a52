import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import { ErrorState, LinesSkeleton } from "../../core/ui/States";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import { TicketLine } from "../components";
import { OrderTickets as OrderTicketsQuery } from "../graphql/documents";
import type { TicketSummary } from "../graphql/types";
import { NewTicketForm } from "./NewTicketForm";
import { ticketSubPath, useOpenInApp } from "./open-in-app";

/** The order widget's help desk part: tickets about the order, and opening one. */
export function OrderTickets({ orderId, customerEmail }: { orderId: string; customerEmail?: string }) {
  const { locale } = useCrm();
  const openInApp = useOpenInApp();
  const { data, error, loading, refetch } = useCrmQuery(OrderTicketsQuery, { orderId });
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<TicketSummary>();
  const tickets = data?.tickets?.edges.map((edge) => edge.node);
  const total = data?.tickets?.totalCount ?? tickets?.length ?? 0;

  return (
    <Box display="flex" flexDirection="column" gap={2}>
      <Box display="flex" justifyContent="space-between" alignItems="center" gap={2}>
        <Text size={3} fontWeight="bold">
          Tickets about this order{tickets && total > 0 ? ` (${total})` : ""}
        </Text>
        {customerEmail && !creating && (
          <Button
            variant="secondary"
            size="small"
            onClick={() => {
              setCreated(undefined);
              setCreating(true);
            }}
          >
            Open a ticket
          </Button>
        )}
      </Box>
      {created && (
        <Box display="flex" gap={2} alignItems="center">
          <Text size={2} color="success1">
            Ticket #{created.number} opened.
          </Text>
          <Box
            as="button"
            type="button"
            onClick={() => openInApp(ticketSubPath(created.id))}
            __backgroundColor="transparent"
            borderWidth={0}
            padding={0}
            cursor="pointer"
          >
            <Text size={2} color="accent1">
              View it
            </Text>
          </Box>
        </Box>
      )}
      {creating && customerEmail && (
        <Box padding={3} borderRadius={4} borderWidth={1} borderStyle="solid" borderColor="default1">
          <NewTicketForm
            customerEmail={customerEmail}
            orderId={orderId}
            onCancel={() => setCreating(false)}
            onCreated={(ticket) => {
              setCreating(false);
              setCreated(ticket);
              refetch();
            }}
          />
        </Box>
      )}
      {error && !loading ? (
        <ErrorState error={error} onRetry={refetch} compact />
      ) : !tickets ? (
        <LinesSkeleton lines={2} />
      ) : tickets.length === 0 ? (
        <Text size={2} color="default2">
          No tickets about this order.
        </Text>
      ) : (
        <Box display="flex" flexDirection="column" gap={1}>
          {tickets.map((ticket) => (
            <TicketLine
              key={ticket.id}
              ticket={ticket}
              locale={locale}
              onOpen={() => openInApp(ticketSubPath(ticket.id))}
            />
          ))}
          {total > tickets.length && (
            <Text size={2} color="default2">
              And {total - tickets.length} more.
            </Text>
          )}
        </Box>
      )}
    </Box>
  );
}
