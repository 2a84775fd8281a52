import { Box, Text, useTheme } from "@saleor/macaw-ui";

import { formatDateTime, formatRelative } from "../../core/format";
import { ToneChip } from "../../customers/components";
import type { TicketMessage } from "../graphql/types";
import { channelLabel } from "../labels";
import type { StaffDirectory } from "../staff";

/** Who wrote a message, as the thread shows it. */
export function messageAuthor(message: TicketMessage, staff: Pick<StaffDirectory, "nameOf" | "knows">): string {
  if (message.authorKind === "SYSTEM") return message.authorName || "System";
  if (message.authorName) return message.authorName;
  if (message.authorKind === "STAFF") return staff.nameOf(message.author);
  return "Customer";
}

/** The thread, oldest first: customer and staff replies, and staff's internal notes set apart. */
export function Conversation({
  messages,
  truncated,
  staff,
  locale,
}: {
  messages: TicketMessage[];
  /** Older messages exist that are not shown. */
  truncated?: boolean;
  staff: Pick<StaffDirectory, "nameOf" | "knows">;
  locale?: string;
}) {
  const now = new Date();
  if (messages.length === 0) {
    return (
      <Text size={3} color="default2">
        No messages yet.
      </Text>
    );
  }
  return (
    <Box as="ol" display="flex" flexDirection="column" gap={3} margin={0} padding={0} aria-label="Conversation">
      {truncated && (
        <Box as="li" display="flex" justifyContent="center">
          <Text size={2} color="default2">
            Earlier messages are not shown: only the latest 100 are loaded.
          </Text>
        </Box>
      )}
      {messages.map((message) => (
        <MessageItem key={message.id} message={message} staff={staff} locale={locale} now={now} />
      ))}
    </Box>
  );
}

function MessageItem({
  message,
  staff,
  locale,
  now,
}: {
  message: TicketMessage;
  staff: Pick<StaffDirectory, "nameOf" | "knows">;
  locale?: string;
  now: Date;
}) {
  const { theme } = useTheme();
  const note = message.kind === "NOTE";
  const fromStaff = message.authorKind === "STAFF";
  const system = message.authorKind === "SYSTEM";
  const author = messageAuthor(message, staff);

  if (system) {
    return (
      <Box as="li" display="flex" justifyContent="center" data-kind="system">
        <Box display="flex" gap={2} alignItems="center" paddingX={3} paddingY={1} borderRadius={4} backgroundColor="default1Hovered">
          <MessageBody html={message.body} size={2} color="default2" />
          <Text size={1} color="default2" whiteSpace="nowrap" title={formatDateTime(message.createdAt, locale)}>
            {formatRelative(message.createdAt, now, locale)}
          </Text>
        </Box>
      </Box>
    );
  }

  return (
    <Box
      as="li"
      display="flex"
      flexDirection="column"
      gap={2}
      padding={4}
      borderRadius={4}
      borderWidth={1}
      borderStyle="solid"
      __borderStyle={note ? "dashed" : undefined}
      borderColor={note ? "warning1" : "default1"}
      // Notes: dashed warning outline with a thick left edge; yellow only in the light
      // theme (the warning background stays pale in the dark one).
      __borderLeftWidth={note ? "4px" : undefined}
      backgroundColor={
        note ? (theme === "defaultDark" ? "default1" : "warning1") : fromStaff ? "default1Hovered" : "default1"
      }
      __marginLeft={fromStaff || note ? "32px" : "0"}
      __marginRight={fromStaff || note ? "0" : "32px"}
      data-kind={note ? "note" : fromStaff ? "staff-reply" : "customer-reply"}
      aria-label={note ? `Internal note by ${author}` : `${fromStaff ? "Reply" : "Message"} from ${author}`}
    >
      <Box display="flex" justifyContent="space-between" alignItems="center" gap={3} flexWrap="wrap">
        <Box display="flex" alignItems="center" gap={2} __minWidth="0">
          <Text size={3} fontWeight="bold" ellipsis title={message.author ?? undefined}>
            {author}
          </Text>
          {note ? (
            <ToneChip tone="warning1" title="Only staff see internal notes">
              Internal note
            </ToneChip>
          ) : fromStaff ? (
            <ToneChip tone="default">Staff reply</ToneChip>
          ) : (
            <ToneChip tone="default">Customer</ToneChip>
          )}
        </Box>
        <Text size={2} color="default2" whiteSpace="nowrap" title={formatDateTime(message.createdAt, locale)}>
          {formatRelative(message.createdAt, now, locale)}
          {!note && ` · ${channelLabel(message.via)}`}
          {message.emailedAt && " · emailed"}
        </Text>
      </Box>
      <MessageBody html={message.body} size={3} color="default1" />
    </Box>
  );
}

/**
 * A message body: HTML the server sanitised (nh3: formatting and links only),
 * rendered inside its own container so its styles stay there.
 */
function MessageBody({ html, size, color }: { html: string; size: 2 | 3; color: "default1" | "default2" }) {
  return (
    <Box
      className="crm-message-body"
      fontSize={size}
      lineHeight={size}
      color={color}
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
