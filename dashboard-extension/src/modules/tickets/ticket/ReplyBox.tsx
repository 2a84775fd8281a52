import { Box, Button, Text, Textarea } from "@saleor/macaw-ui";
import { useState } from "react";

import { describeError } from "../../core/graphql-client";
import { useCrm } from "../../core/use-crm";
import { mutationFieldErrors } from "../forms";
import { TicketAddNote, TicketReply } from "../graphql/documents";
import type { TicketDetailsFields, TicketMessage } from "../graphql/types";
import {
  ERASED_HELP,
  isRequesterErased,
  replyStatus,
  textToHtml,
  validateReply,
  type ReplyAction,
  type ReplyErrors,
} from "./reply";

const EMAILED_CHANNELS = new Set(["EMAIL", "WEB_FORM"]);

/** Answer the customer (optionally solving the ticket) or leave staff a note. */
export function ReplyBox({
  ticket,
  onSent,
}: {
  ticket: Pick<TicketDetailsFields, "id" | "status" | "channel" | "requesterEmail" | "mergedInto"> & {
    customer?: TicketDetailsFields["customer"];
  };
  onSent: (result: { ticket: TicketDetailsFields | null; message: TicketMessage | null }) => void;
}) {
  const { client, dashboard } = useCrm();
  const [body, setBody] = useState("");
  const [errors, setErrors] = useState<ReplyErrors>({});
  const [sending, setSending] = useState<ReplyAction>();
  const closed = ticket.status === "CLOSED" || Boolean(ticket.mergedInto);
  const erased = isRequesterErased(ticket);

  const send = async (action: ReplyAction) => {
    const local = validateReply(body, action, ticket);
    setErrors(local);
    if (local.body || local.form) return;
    setSending(action);
    try {
      const html = textToHtml(body);
      const status = replyStatus(action);
      const result =
        action === "note"
          ? (await client.request(TicketAddNote, { id: ticket.id, body: html })).ticketAddNote
          : (
              await client.request(TicketReply, {
                id: ticket.id,
                input: status ? { body: html, status } : { body: html },
              })
            ).ticketReply;
      if (!result) {
        setErrors({ form: "The message could not be sent. Try again." });
        return;
      }
      if (result.errors.length) {
        setErrors(mutationFieldErrors(result.errors, ["body"]));
        return;
      }
      setBody("");
      setErrors({});
      onSent({ ticket: result.ticket, message: result.message });
      void dashboard.notify(
        "success",
        action === "note" ? "Note added" : action === "reply-and-solve" ? "Reply sent; ticket solved" : "Reply sent",
      );
    } catch (error) {
      setErrors({ form: describeError(error).detail });
    } finally {
      setSending(undefined);
    }
  };

  const emailed = EMAILED_CHANNELS.has(ticket.channel);
  const helper =
    errors.body ??
    (closed
      ? "This ticket is closed: only internal notes can be added."
      : erased
        ? ERASED_HELP
        : emailed
        ? `Replies are emailed to ${ticket.requesterEmail}. Notes are for staff only.`
        : "Replies are recorded on the ticket. Notes are for staff only.");

  return (
    <Box
      as="form"
      display="flex"
      flexDirection="column"
      gap={3}
      onSubmit={(event) => {
        event.preventDefault();
        if (!erased) void send("reply");
      }}
    >
      <Textarea
        label="Message"
        rows={5}
        value={body}
        disabled={Boolean(sending)}
        error={Boolean(errors.body)}
        helperText={helper}
        onChange={(event) => {
          setBody(event.target.value);
          if (errors.body) setErrors({ ...errors, body: undefined });
        }}
      />
      {errors.form && (
        <Text size={2} color="critical1" role="alert">
          {errors.form}
        </Text>
      )}
      <Box display="flex" gap={2} justifyContent="flex-end" flexWrap="wrap">
        <Button type="button" variant="secondary" size="small" disabled={Boolean(sending)} onClick={() => void send("note")}>
          {sending === "note" ? "Adding…" : "Add note"}
        </Button>
        {!erased && (
          <>
            <Button
              type="button"
              variant="secondary"
              size="small"
              disabled={Boolean(sending) || closed}
              onClick={() => void send("reply-and-solve")}
            >
              {sending === "reply-and-solve" ? "Sending…" : "Reply and solve"}
            </Button>
            <Button type="submit" variant="primary" size="small" disabled={Boolean(sending) || closed}>
              {sending === "reply" ? "Sending…" : "Reply"}
            </Button>
          </>
        )}
      </Box>
    </Box>
  );
}
