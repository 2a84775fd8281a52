import { Box, Button, Input, Select, Text, Textarea, type Option } from "@saleor/macaw-ui";
import { useState } from "react";

import { formatDate, formatMoney } from "../../core/format";
import { describeError } from "../../core/graphql-client";
import { useCrm } from "../../core/use-crm";
import { mutationFieldErrors, parseTags, validateNewTicket, type NewTicketErrors } from "../forms";
import { TicketCreate } from "../graphql/documents";
import type { InteractionChannel, TicketPriority, TicketSummary } from "../graphql/types";
import { CHANNELS, TICKET_PRIORITIES } from "../labels";
import { textToHtml } from "../ticket/reply";

const channelOptions: Option[] = CHANNELS.map(({ value, label }) => ({ value, label }));
const priorityOptions: Option[] = TICKET_PRIORITIES.map(({ value, label }) => ({ value, label }));
const NO_ORDER = "__none__";

export interface OrderChoice {
  id: string;
  number: string;
  placedAt: string;
  total: { amount: number; currency: string };
}

/** Staff open a ticket for a customer (after a call, a chat, a visit), optionally about an order. */
export function NewTicketForm({
  customerEmail,
  orderId,
  orders,
  onCreated,
  onCancel,
}: {
  customerEmail: string;
  /** The order it is about, fixed (the order widget). */
  orderId?: string;
  /** Orders to choose from when there is no fixed one (the customer popup). */
  orders?: OrderChoice[];
  onCreated: (ticket: TicketSummary) => void;
  onCancel?: () => void;
}) {
  const { client, dashboard, locale } = useCrm();
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  const [channel, setChannel] = useState<InteractionChannel>("PHONE");
  const [priority, setPriority] = useState<TicketPriority>("NORMAL");
  const [tags, setTags] = useState("");
  const [order, setOrder] = useState<string>(orderId ?? NO_ORDER);
  const [errors, setErrors] = useState<NewTicketErrors>({});
  const [saving, setSaving] = useState(false);

  const orderOptions: Option[] = [
    { value: NO_ORDER, label: "No order" },
    ...(orders ?? []).map((choice) => ({
      value: choice.id,
      label: `#${choice.number} · ${formatDate(choice.placedAt, locale)} · ${formatMoney(choice.total, locale)}`,
    })),
  ];

  const submit = async () => {
    const local = validateNewTicket({ subject, body }, customerEmail);
    setErrors(local);
    if (Object.keys(local).length) return;
    setSaving(true);
    try {
      const result = (
        await client.request(TicketCreate, {
          input: {
            customerEmail: customerEmail.trim(),
            subject: subject.trim(),
            body: textToHtml(body),
            channel,
            priority,
            ...(order !== NO_ORDER ? { order } : {}),
            ...(parseTags(tags).length ? { tags: parseTags(tags) } : {}),
          },
        })
      ).ticketCreate;
      if (!result?.ticket || result.errors.length) {
        const fieldErrors = mutationFieldErrors(result?.errors ?? [], ["subject", "body", "customerEmail"]);
        setErrors(Object.keys(fieldErrors).length ? fieldErrors : { form: "The ticket could not be opened." });
        return;
      }
      void dashboard.notify("success", `Ticket #${result.ticket.number} opened`);
      onCreated(result.ticket);
    } catch (failure) {
      setErrors({ form: describeError(failure).detail });
    } finally {
      setSaving(false);
    }
  };

  return (
    <Box
      as="form"
      display="flex"
      flexDirection="column"
      gap={3}
      aria-label="Open a ticket"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Input
        size="small"
        label="Subject"
        value={subject}
        disabled={saving}
        error={Boolean(errors.subject)}
        helperText={errors.subject}
        onChange={(event) => setSubject(event.target.value)}
      />
      <Textarea
        label="What the customer needs"
        rows={4}
        value={body}
        disabled={saving}
        error={Boolean(errors.body)}
        helperText={errors.body ?? "The ticket's first message; the customer is not emailed."}
        onChange={(event) => setBody(event.target.value)}
      />
      <Box display="grid" gap={3} __gridTemplateColumns="repeat(auto-fit, minmax(140px, 1fr))">
        <Select
          size="small"
          label="Came in by"
          options={channelOptions}
          value={channelOptions.find((option) => option.value === channel) ?? null}
          onChange={(option: Option) => setChannel(option.value as InteractionChannel)}
        />
        <Select
          size="small"
          label="Priority"
          options={priorityOptions}
          value={priorityOptions.find((option) => option.value === priority) ?? null}
          onChange={(option: Option) => setPriority(option.value as TicketPriority)}
        />
      </Box>
      {!orderId && orders && orders.length > 0 && (
        <Select
          size="small"
          label="About an order"
          options={orderOptions}
          value={orderOptions.find((option) => option.value === order) ?? null}
          onChange={(option: Option) => setOrder(option.value)}
        />
      )}
      <Input
        size="small"
        label="Tags"
        placeholder="refund, damaged"
        value={tags}
        disabled={saving}
        helperText="Separate tags with commas"
        onChange={(event) => setTags(event.target.value)}
      />
      {(errors.form || errors.customerEmail) && (
        <Text size={2} color="critical1" role="alert">
          {[errors.customerEmail, errors.form].filter(Boolean).join(" ")}
        </Text>
      )}
      <Box display="flex" gap={2} justifyContent="flex-end">
        {onCancel && (
          <Button type="button" variant="tertiary" size="small" disabled={saving} onClick={onCancel}>
            Cancel
          </Button>
        )}
        <Button type="submit" variant="primary" size="small" disabled={saving}>
          {saving ? "Opening…" : "Open ticket"}
        </Button>
      </Box>
    </Box>
  );
}
