import { Box, Button, Select, Text, type Option } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";

import { displayName, formatDateTime, formatRelative } from "../../core/format";
import { describeError } from "../../core/graphql-client";
import { appPaths } from "../../core/routes";
import { Card } from "../../core/ui/Card";
import { PageHeader } from "../../core/ui/PageHeader";
import { EmptyState, ErrorState, LinesSkeleton } from "../../core/ui/States";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import { SlaChip, UNKNOWN_SENDER_DETAIL, UnknownSenderChip, UnverifiedChip } from "../components";
import { TicketDetails as TicketDetailsQuery, TicketUpdate } from "../graphql/documents";
import type {
  TicketDetails,
  TicketDetailsFields,
  TicketMessage,
  TicketPriority,
  TicketStatus,
  TicketUpdateVariables,
} from "../graphql/types";
import { channelLabel, TICKET_PRIORITIES, TICKET_STATUSES } from "../labels";
import { useStaffDirectory } from "../staff";
import { AssigneeControl } from "./AssigneeControl";
import { Conversation } from "./Conversation";
import { OrderActionsCard } from "./OrderActions";
import { isRequesterErased } from "./reply";
import { ReplyBox } from "./ReplyBox";
import { TicketTags } from "./TicketTags";
import { CustomerCard, OrderCard, SatisfactionCard, SlaCard } from "./TicketSidebar";

const statusOptions: Option[] = TICKET_STATUSES.map(({ value, label }) => ({ value, label }));
const priorityOptions: Option[] = TICKET_PRIORITIES.map(({ value, label }) => ({ value, label }));

/** Folds a mutation's ticket into the page's copy, keeping what only the page query selects. */
export function mergeTicket(current: TicketDetails, fields: Partial<TicketDetailsFields>): TicketDetails {
  return {
    ...current,
    ...fields,
    customer:
      fields.customer === null
        ? null
        : current.customer && { ...current.customer, ...(fields.customer ?? {}) },
    messages: current.messages,
  };
}

/** Appends a message the page just sent, unless it is already there. */
export function appendMessage(current: TicketDetails, message: TicketMessage | null): TicketDetails {
  if (!message || current.messages.edges.some((edge) => edge.node.id === message.id)) return current;
  return {
    ...current,
    messages: {
      ...current.messages,
      totalCount: (current.messages.totalCount ?? current.messages.edges.length) + 1,
      edges: [...current.messages.edges, { node: message }],
    },
  };
}

function messageCount(count: number): string {
  return `${count} ${count === 1 ? "message" : "messages"}`;
}

export function TicketPage({ ticketId }: { ticketId: string }) {
  const { navigate } = useCrm();
  const { data, error, loading, refetch } = useCrmQuery(TicketDetailsQuery, { id: ticketId });
  const [ticket, setTicket] = useState<TicketDetails | null | undefined>(undefined);
  useEffect(() => {
    if (data) setTicket(data.ticket);
  }, [data]);
  const back = () => navigate(appPaths.tickets());

  if (error && !loading) {
    return (
      <Box>
        <PageHeader title="Ticket" onBack={back} backLabel="Back to tickets" />
        <Box padding={6}>
          <ErrorState error={error} onRetry={refetch} />
        </Box>
      </Box>
    );
  }
  if (ticket === null) {
    return (
      <Box>
        <PageHeader title="Ticket" onBack={back} backLabel="Back to tickets" />
        <EmptyState
          title="This ticket doesn't exist"
          detail="It may have been erased with its customer's data."
          action={
            <Button variant="secondary" onClick={back}>
              Back to tickets
            </Button>
          }
        />
      </Box>
    );
  }
  if (!ticket) return <TicketSkeleton onBack={back} />;
  return (
    <TicketView
      ticket={ticket}
      onBack={back}
      onChange={(update) => setTicket((current) => (current ? update(current) : current))}
      onReload={refetch}
    />
  );
}

function TicketView({
  ticket,
  onBack,
  onChange,
  onReload,
}: {
  ticket: TicketDetails;
  onBack: () => void;
  onChange: (update: (current: TicketDetails) => TicketDetails) => void;
  onReload: () => void;
}) {
  const { client, dashboard, locale, navigate } = useCrm();
  const staff = useStaffDirectory();
  const [saving, setSaving] = useState<keyof TicketUpdateVariables["input"]>();
  const [updateError, setUpdateError] = useState<string>();
  const closed = ticket.status === "CLOSED";
  const merged = Boolean(ticket.mergedInto);
  const now = new Date();

  /** ticketUpdate; resolves to an error message when it failed. */
  const update = async (input: TicketUpdateVariables["input"], success?: string) => {
    const field = Object.keys(input)[0] as keyof TicketUpdateVariables["input"];
    setSaving(field);
    setUpdateError(undefined);
    try {
      const result = (await client.request(TicketUpdate, { id: ticket.id, input })).ticketUpdate;
      if (!result?.ticket || result.errors.length) {
        const message =
          result?.errors.map((e) => e.message).filter(Boolean).join(" ") || "The ticket could not be saved.";
        setUpdateError(message);
        return message;
      }
      const saved = result.ticket;
      onChange((current) => mergeTicket(current, saved));
      if (success) void dashboard.notify("success", success);
      return undefined;
    } catch (failure) {
      const message = describeError(failure).detail;
      setUpdateError(message);
      return message;
    } finally {
      setSaving(undefined);
    }
  };

  const customerName = !ticket.customer
    ? `${ticket.requesterEmail} (not verified)`
    : ticket.customer.isErased
      ? "Erased customer"
      : displayName(ticket.customer);

  return (
    <Box display="flex" flexDirection="column">
      <PageHeader
        title={`#${ticket.number} ${ticket.subject}`}
        subtitle={`${customerName} · ${channelLabel(ticket.channel)} · opened ${formatRelative(ticket.createdAt, now, locale)} (${formatDateTime(ticket.createdAt, locale)})`}
        onBack={onBack}
        backLabel="Back to tickets"
        actions={
          <Box display="flex" gap={2} alignItems="center">
            <UnverifiedChip ticket={ticket} />
            <UnknownSenderChip ticket={ticket} />
            <SlaChip ticket={ticket} now={now} locale={locale} />
          </Box>
        }
      >
        <Box display="flex" flexWrap="wrap" gap={4} alignItems="flex-start">
          <Box __width="180px">
            <Select
              size="small"
              label="Status"
              options={statusOptions}
              disabled={closed || merged || saving === "status"}
              value={statusOptions.find((option) => option.value === ticket.status) ?? null}
              onChange={(option: Option) => {
                const status = option.value as TicketStatus;
                if (status === ticket.status) return;
                if (status === "CLOSED" && !window.confirm("Close this ticket for good? Closed tickets cannot be reopened.")) {
                  return;
                }
                void update({ status }, `Ticket ${option.label.toLowerCase()}`);
              }}
            />
          </Box>
          <Box __width="180px">
            <Select
              size="small"
              label="Priority"
              options={priorityOptions}
              disabled={closed || merged || saving === "priority"}
              value={priorityOptions.find((option) => option.value === ticket.priority) ?? null}
              onChange={(option: Option) => {
                const priority = option.value as TicketPriority;
                if (priority !== ticket.priority) void update({ priority }, `Priority set to ${option.label.toLowerCase()}`);
              }}
            />
          </Box>
          <Box __width="280px">
            <AssigneeControl
              ticketId={ticket.id}
              assignee={ticket.assignee}
              staff={staff}
              disabled={merged}
              onAssigned={(assignee, updatedAt) => onChange((current) => ({ ...current, assignee, updatedAt }))}
            />
          </Box>
          <Box __flex="1" __minWidth="280px">
            <TicketTags tags={ticket.tags} disabled={merged} onSave={(tags) => update({ tags })} />
          </Box>
        </Box>
        {updateError && (
          <Text size={2} color="critical1" role="alert">
            {updateError}
          </Text>
        )}
        {!ticket.isVerified && (
          <Text size={2} color="default2" data-testid="unverified-notice">
            Unverified: nobody has proven {ticket.requesterEmail} is theirs yet, so this ticket is on no
            customer&apos;s profile and may not be from the person it names. It joins that address&apos;s
            profile once the requester opens the link we emailed them (or answers our mail from it);
            replies go to {ticket.requesterEmail} only.
          </Text>
        )}
        {ticket.fromUnknownSender && (
          <Box display="flex" gap={2} alignItems="center" flexWrap="wrap">
            <Text size={2} color="default2">
              {UNKNOWN_SENDER_DETAIL} Replies here go to {ticket.requesterEmail} only.
            </Text>
            {ticket.senderRepliedTo && (
              <Button
                variant="tertiary"
                size="small"
                onClick={() => navigate(appPaths.ticket(ticket.senderRepliedTo!))}
              >
                Open the ticket it answered
              </Button>
            )}
          </Box>
        )}
        {merged && (
          <Box display="flex" gap={2} alignItems="center">
            <Text size={2} color="default2">
              This ticket was merged into another.
            </Text>
            <Button variant="tertiary" size="small" onClick={() => navigate(appPaths.ticket(ticket.mergedInto!))}>
              Open that ticket
            </Button>
          </Box>
        )}
      </PageHeader>
      <Box padding={6} display="grid" gap={4} __gridTemplateColumns="minmax(0, 2fr) minmax(280px, 1fr)">
        <Box display="flex" flexDirection="column" gap={4} __minWidth="0">
          <Card
            title="Conversation"
            subtitle={messageCount(ticket.messages.totalCount ?? ticket.messages.edges.length)}
            actions={
              <Button variant="tertiary" size="small" onClick={onReload}>
                Refresh
              </Button>
            }
          >
            <Conversation
              messages={ticket.messages.edges.map((edge) => edge.node)}
              truncated={ticket.messages.pageInfo.hasPreviousPage}
              staff={staff}
              locale={locale}
            />
          </Card>
          <Card title={isRequesterErased(ticket) ? "Internal note" : "Reply"}>
            <ReplyBox
              ticket={ticket}
              onSent={({ ticket: saved, message }) =>
                onChange((current) => appendMessage(saved ? mergeTicket(current, saved) : current, message))
              }
            />
          </Card>
        </Box>
        <Box display="flex" flexDirection="column" gap={4} __minWidth="0">
          <CustomerCard ticket={ticket} />
          <OrderCard
            ticket={ticket}
            onLinked={(order, updatedAt) => onChange((current) => ({ ...current, order, updatedAt }))}
          />
          <OrderActionsCard ticket={ticket} onChange={onChange} />
          <SlaCard ticket={ticket} />
          <SatisfactionCard
            satisfaction={ticket.satisfaction}
            status={ticket.status}
            customerAverage={ticket.customer?.satisfactionAverage ?? null}
            customerCount={ticket.customer?.satisfactionCount ?? 0}
          />
        </Box>
      </Box>
    </Box>
  );
}

function TicketSkeleton({ onBack }: { onBack: () => void }) {
  return (
    <Box>
      <PageHeader
        title={
          <Box __width="320px">
            <LinesSkeleton lines={1} />
          </Box>
        }
        onBack={onBack}
        backLabel="Back to tickets"
      />
      <Box padding={6} display="grid" gap={4} __gridTemplateColumns="minmax(0, 2fr) minmax(280px, 1fr)">
        <Card>
          <LinesSkeleton lines={10} />
        </Card>
        <Box display="flex" flexDirection="column" gap={4}>
          <Card>
            <LinesSkeleton lines={4} />
          </Card>
          <Card>
            <LinesSkeleton lines={3} />
          </Card>
        </Box>
      </Box>
    </Box>
  );
}
