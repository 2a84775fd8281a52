import { Box, Button, Select, Text, type Option } from "@saleor/macaw-ui";
import { useState } from "react";

import {
  displayName,
  formatDate,
  formatDateTime,
  formatMoney,
  formatNumber,
  formatRelative,
} from "../../core/format";
import { describeError } from "../../core/graphql-client";
import { appPaths } from "../../core/routes";
import { Card } from "../../core/ui/Card";
import { ExternalLinkIcon } from "../../core/ui/icons";
import { Stat } from "../../core/ui/Stat";
import { useCrm } from "../../core/use-crm";
import { StageChip, ToneChip } from "../../customers/components";
import { orderStatusLabel } from "../../customers/labels";
import { TicketLinkOrder } from "../graphql/documents";
import type { TicketDetails, TicketSatisfaction } from "../graphql/types";
import { slaTargets, TARGET_STATE_LABELS } from "../sla";
import { isRequesterErased } from "./reply";

export function CustomerCard({ ticket }: { ticket: TicketDetails }) {
  const { navigate, dashboard, locale } = useCrm();
  const customer = ticket.customer;
  if (!customer) {
    return (
      <Card title="Customer" subtitle="Not verified">
        <Box display="flex" flexDirection="column" gap={1} data-testid="unverified-customer">
          <Text size={4} fontWeight="bold" ellipsis title={ticket.requesterEmail}>
            {ticket.requesterEmail}
          </Text>
          <Text size={2} color="default2">
            Whoever wrote this has not proven the address is theirs. The ticket is on no profile (not even a
            registered customer&apos;s with this email) until they open the link we emailed to it.
          </Text>
        </Box>
      </Card>
    );
  }
  const name = customer.isErased ? "Erased customer" : displayName(customer);
  return (
    <Card title="Customer">
      <Box display="flex" flexDirection="column" gap={1}>
        <Text size={4} fontWeight="bold" ellipsis>
          {name}
        </Text>
        {name !== customer.email && (
          <Text size={2} color="default2" ellipsis>
            {customer.email}
          </Text>
        )}
        {ticket.requesterEmail && ticket.requesterEmail !== customer.email && (
          <Text size={2} color="default2" ellipsis>
            Replies go to {ticket.requesterEmail}
          </Text>
        )}
      </Box>
      <Box display="flex" gap={2} alignItems="center" flexWrap="wrap">
        <StageChip stage={customer.lifecycleStage} />
        {customer.isGuest && <ToneChip tone="default">Guest</ToneChip>}
      </Box>
      <Box display="grid" gap={3} __gridTemplateColumns="repeat(2, minmax(0, 1fr))">
        <Stat label="Total spent" value={formatMoney(customer.totalSpent, locale)} />
        <Stat label="Orders" value={formatNumber(customer.ordersCount, locale)} />
      </Box>
      <Box display="flex" gap={2} flexWrap="wrap">
        <Button variant="secondary" size="small" onClick={() => navigate(appPaths.profile(customer.id))}>
          CRM profile
        </Button>
        {customer.user && (
          <Button variant="tertiary" size="small" onClick={() => void dashboard.openCustomer(customer.user!)}>
            <ExternalLinkIcon size={16} />
            Open in Dashboard
          </Button>
        )}
      </Box>
    </Card>
  );
}

/** The order the ticket is about: opens in the Dashboard; staff can link one of the customer's orders. */
export function OrderCard({
  ticket,
  onLinked,
}: {
  ticket: TicketDetails;
  onLinked: (order: string | null, updatedAt: string) => void;
}) {
  const { client, dashboard, locale } = useCrm();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const orders = ticket.customer?.orders.edges.map((edge) => edge.node) ?? [];
  const linked = ticket.order ? orders.find((order) => order.id === ticket.order) : undefined;
  const closed = ticket.status === "CLOSED";
  // Nobody is left to be helped with an order once the customer was erased.
  const erased = isRequesterErased(ticket);

  const link = async (order: string | null) => {
    setSaving(true);
    setError(undefined);
    try {
      const result = (await client.request(TicketLinkOrder, { id: ticket.id, order })).ticketLinkOrder;
      if (!result?.ticket || result.errors.length) {
        setError(result?.errors.map((e) => e.message).filter(Boolean).join(" ") || "The order could not be linked.");
        return;
      }
      onLinked(result.ticket.order, result.ticket.updatedAt);
    } catch (failure) {
      setError(describeError(failure).detail);
    } finally {
      setSaving(false);
    }
  };

  const options: Option[] = orders.map((order) => ({
    value: order.id,
    label: `#${order.number} · ${formatDate(order.placedAt, locale)} · ${formatMoney(order.total, locale)}`,
  }));

  return (
    <Card title="Order">
      {ticket.order ? (
        <Box display="flex" flexDirection="column" gap={2}>
          {linked ? (
            <Box display="flex" flexDirection="column">
              <Text size={4} fontWeight="bold">
                #{linked.number}
              </Text>
              <Text size={2} color="default2">
                {formatDate(linked.placedAt, locale)} · {formatMoney(linked.total, locale)} · {orderStatusLabel(linked.status)}
              </Text>
            </Box>
          ) : (
            <Text size={3} color="default2">
              Linked to an order (not among the customer's 20 latest).
            </Text>
          )}
          <Box display="flex" gap={2} flexWrap="wrap">
            <Button variant="secondary" size="small" onClick={() => void dashboard.openOrder(ticket.order!)}>
              <ExternalLinkIcon size={16} />
              Open order
            </Button>
            <Button variant="tertiary" size="small" disabled={saving || closed} onClick={() => void link(null)}>
              Unlink
            </Button>
          </Box>
        </Box>
      ) : erased ? (
        <Text size={3} color="default2">
          Not linked to an order. The customer's data was erased.
        </Text>
      ) : orders.length > 0 ? (
        <Box display="flex" flexDirection="column" gap={2}>
          <Text size={3} color="default2">
            Not linked to an order.
          </Text>
          <Select
            size="small"
            label="Link an order"
            options={options}
            value={null}
            disabled={saving || closed}
            onChange={(option: Option) => void link(option.value)}
          />
        </Box>
      ) : !ticket.customer ? (
        <Text size={3} color="default2">
          Not about an order. Orders can be linked once the requester has verified their email.
        </Text>
      ) : (
        <Text size={3} color="default2">
          Not about an order; the customer has none.
        </Text>
      )}
      {error && (
        <Text size={2} color="critical1" role="alert">
          {error}
        </Text>
      )}
    </Card>
  );
}

export function SlaCard({ ticket }: { ticket: TicketDetails }) {
  const { locale } = useCrm();
  const now = new Date();
  const targets = slaTargets(ticket, now);
  const noTargets = targets.every((target) => !target.dueAt);
  return (
    <Card title="SLA" subtitle={ticket.isBreached ? "A target was missed" : undefined}>
      {noTargets ? (
        <Text size={3} color="default2">
          No SLA targets for {ticket.priority.toLowerCase()} priority.
        </Text>
      ) : (
        <Box display="flex" flexDirection="column" gap={3}>
          {targets.map((target) => {
            const state = TARGET_STATE_LABELS[target.state];
            return (
              <Box key={target.name} display="flex" justifyContent="space-between" alignItems="flex-start" gap={3}>
                <Box display="flex" flexDirection="column" gap={0.5} __minWidth="0">
                  <Text size={3} fontWeight="medium">
                    {target.name}
                  </Text>
                  {target.dueAt && (
                    <Text size={2} color="default2">
                      Due {formatDateTime(target.dueAt, locale)}
                    </Text>
                  )}
                  {target.doneAt && (
                    <Text size={2} color="default2">
                      {target.name === "First reply" ? "Answered" : "Solved"} {formatDateTime(target.doneAt, locale)}
                    </Text>
                  )}
                  {!target.doneAt && target.dueAt && (target.state === "running" || target.state === "due-soon" || target.state === "overdue") && (
                    <Text size={2} color={target.state === "running" ? "default2" : "critical1"}>
                      {target.state === "overdue" ? "Was due" : "Due"} {formatRelative(target.dueAt, now, locale)}
                    </Text>
                  )}
                </Box>
                <ToneChip tone={state.tone}>{state.label}</ToneChip>
              </Box>
            );
          })}
        </Box>
      )}
    </Card>
  );
}

function Stars({ rating }: { rating: number }) {
  const value = Math.max(0, Math.min(5, Math.round(rating)));
  return (
    <Text size={5} color="warning1" aria-label={`${rating} out of 5`} title={`${rating} out of 5`}>
      {"★".repeat(value)}
      <Text size={5} color="default2">
        {"★".repeat(5 - value)}
      </Text>
    </Text>
  );
}

export function SatisfactionCard({
  satisfaction,
  status,
  customerAverage,
  customerCount,
}: {
  satisfaction: TicketSatisfaction | null;
  status: TicketDetails["status"];
  customerAverage: number | null;
  customerCount: number;
}) {
  const { locale } = useCrm();
  return (
    <Card title="Satisfaction">
      {satisfaction ? (
        <Box display="flex" flexDirection="column" gap={2}>
          <Box display="flex" alignItems="center" gap={2}>
            <Stars rating={satisfaction.rating} />
            <Text size={3} fontWeight="bold">
              {satisfaction.rating} / 5
            </Text>
          </Box>
          {satisfaction.comment && (
            <Text size={3} __whiteSpace="pre-wrap">
              “{satisfaction.comment}”
            </Text>
          )}
          <Text size={2} color="default2">
            Rated {formatDate(satisfaction.ratedAt, locale)}
          </Text>
        </Box>
      ) : (
        <Text size={3} color="default2">
          {status === "SOLVED" || status === "CLOSED"
            ? "Not rated. The customer was asked when the ticket was solved."
            : "The customer is asked to rate the help once the ticket is solved."}
        </Text>
      )}
      <Text size={2} color="default2">
        {customerCount > 0 && customerAverage !== null
          ? `This customer rates ${formatNumber(customerAverage, locale, 1)} / 5 on average (${customerCount} ${customerCount === 1 ? "rating" : "ratings"}).`
          : "No ratings from this customer yet."}
      </Text>
    </Card>
  );
}
