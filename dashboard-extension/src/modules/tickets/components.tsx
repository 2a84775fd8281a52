import { Box, Text } from "@saleor/macaw-ui";

import { ToneChip } from "../customers/components";
import { priorityLabel, priorityTone, statusLabel, statusTone } from "./labels";
import { slaBadge } from "./sla";
import type { TicketSummary } from "./graphql/types";

export function StatusChip({ status }: { status: string }) {
  return <ToneChip tone={statusTone(status)}>{statusLabel(status)}</ToneChip>;
}

export function PriorityChip({ priority }: { priority: string }) {
  return <ToneChip tone={priorityTone(priority)}>{priorityLabel(priority)}</ToneChip>;
}

type SlaFields = Parameters<typeof slaBadge>[0];

/** Breached, due soon, running, met or no SLA; the full wording is in the tooltip. */
export function SlaChip({ ticket, now, locale }: { ticket: SlaFields; now?: Date; locale?: string }) {
  const badge = slaBadge(ticket, now, locale);
  if (badge.state === "none") {
    return (
      <Text size={2} color="default2" title={badge.detail} whiteSpace="nowrap">
        {badge.label}
      </Text>
    );
  }
  return (
    <Box display="inline-flex" data-sla={badge.state}>
      <ToneChip tone={badge.tone} title={badge.detail}>
        {badge.label}
      </ToneChip>
    </Box>
  );
}

export const UNKNOWN_SENDER_DETAIL =
  "This email answered another ticket, but came from an address that is neither its requester nor a participant " +
  "(a CC, a forward, someone else), so it was not added there as the customer's reply.";

/** A ticket opened by mail from an unknown sender (fromUnknownSender); the detail is in the tooltip. */
export function UnknownSenderChip({ ticket }: { ticket: Pick<TicketSummary, "fromUnknownSender"> }) {
  if (!ticket.fromUnknownSender) return null;
  return (
    <Box display="inline-flex" data-testid="unknown-sender">
      <ToneChip tone="warning1" title={UNKNOWN_SENDER_DETAIL}>
        Unknown sender
      </ToneChip>
    </Box>
  );
}

export const UNVERIFIED_DETAIL =
  "Nobody has proven this email address is theirs yet: a guest (or a customer whose account is not confirmed) " +
  "opened it, and anyone can write in anyone's name. It is on no customer's profile until the requester opens " +
  "the link we emailed them (or answers our mail from that address). Replies go only to that address.";

/** A ticket whose requester has not proven their email (isVerified false); the detail is in the tooltip. */
export function UnverifiedChip({ ticket }: { ticket: Pick<TicketSummary, "isVerified"> }) {
  if (ticket.isVerified) return null;
  return (
    <Box display="inline-flex" data-testid="unverified">
      <ToneChip tone="warning1" title={UNVERIFIED_DETAIL}>
        Unverified email
      </ToneChip>
    </Box>
  );
}

/** "#1074 Gift card code not working" as one line, for compact lists. */
export function TicketLine({
  ticket,
  onOpen,
  locale,
}: {
  ticket: TicketSummary;
  onOpen: () => void;
  locale?: string;
}) {
  return (
    <Box
      as="button"
      type="button"
      onClick={onOpen}
      display="flex"
      justifyContent="space-between"
      alignItems="center"
      gap={2}
      width="100%"
      padding={2}
      borderRadius={3}
      borderWidth={0}
      cursor="pointer"
      textAlign="left"
      backgroundColor={{ default: "default1", hover: "default1Hovered", focusVisible: "default1Focused" }}
      data-testid="ticket-line"
    >
      <Box display="flex" flexDirection="column" __minWidth="0">
        <Text size={3} fontWeight="medium" ellipsis>
          <Text size={3} color="default2" fontWeight="medium">
            #{ticket.number}
          </Text>{" "}
          {ticket.subject}
        </Text>
      </Box>
      <Box display="flex" gap={1} alignItems="center" flexShrink="0">
        <UnverifiedChip ticket={ticket} />
        <UnknownSenderChip ticket={ticket} />
        <StatusChip status={ticket.status} />
        {ticket.status !== "CLOSED" && ticket.status !== "SOLVED" && (
          <SlaChip ticket={ticket} locale={locale} />
        )}
      </Box>
    </Box>
  );
}
