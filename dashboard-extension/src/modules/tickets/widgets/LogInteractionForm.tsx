import { Box, Button, Input, Select, Text, Textarea, type Option } from "@saleor/macaw-ui";
import { useState } from "react";

import { formatDate, formatMoney } from "../../core/format";
import { describeError } from "../../core/graphql-client";
import { useCrm } from "../../core/use-crm";
import { mutationFieldErrors, validateInteraction, type InteractionErrors } from "../forms";
import { InteractionCreate } from "../graphql/documents";
import type { InteractionChannel, InteractionDirection } from "../graphql/types";
import { CHANNELS, DIRECTIONS } from "../labels";
import { textToHtml } from "../ticket/reply";
import type { OrderChoice } from "./NewTicketForm";

const channelOptions: Option[] = CHANNELS.filter((channel) => channel.value !== "WEB_FORM").map(
  ({ value, label }) => ({ value, label }),
);
const directionOptions: Option[] = DIRECTIONS.map(({ value, label }) => ({ value, label }));
const NO_ORDER = "__none__";

/** Logs a call, chat, visit or message on the customer's timeline (`interactionCreate`). */
export function LogInteractionForm({
  customerEmail,
  orders,
  onLogged,
}: {
  customerEmail: string;
  orders?: OrderChoice[];
  onLogged?: () => void;
}) {
  const { client, dashboard, locale } = useCrm();
  const [channel, setChannel] = useState<InteractionChannel>("PHONE");
  const [direction, setDirection] = useState<InteractionDirection>("INBOUND");
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  const [occurredAt, setOccurredAt] = useState("");
  const [order, setOrder] = useState(NO_ORDER);
  const [errors, setErrors] = useState<InteractionErrors>({});
  const [saving, setSaving] = useState(false);
  const [logged, setLogged] = useState(false);

  const orderOptions: Option[] = [
    { value: NO_ORDER, label: "No order" },
    ...(orders ?? []).map((choice) => ({
      value: choice.id,
      label: `#${choice.number} · ${formatDate(choice.placedAt, locale)} · ${formatMoney(choice.total, locale)}`,
    })),
  ];

  const submit = async () => {
    const local = validateInteraction({ subject, body, occurredAt }, customerEmail);
    setErrors(local);
    setLogged(false);
    if (Object.keys(local).length) return;
    setSaving(true);
    try {
      const result = (
        await client.request(InteractionCreate, {
          input: {
            customerEmail: customerEmail.trim(),
            channel,
            direction,
            ...(subject.trim() ? { subject: subject.trim() } : {}),
            ...(body.trim() ? { body: textToHtml(body) } : {}),
            ...(occurredAt ? { occurredAt: new Date(occurredAt).toISOString() } : {}),
            ...(order !== NO_ORDER ? { order } : {}),
          },
        })
      ).interactionCreate;
      if (!result?.interaction || result.errors.length) {
        const fieldErrors = mutationFieldErrors(result?.errors ?? [], ["subject", "body", "occurredAt", "customerEmail"]);
        setErrors(Object.keys(fieldErrors).length ? fieldErrors : { form: "The contact could not be logged." });
        return;
      }
      setSubject("");
      setBody("");
      setOccurredAt("");
      setOrder(NO_ORDER);
      setLogged(true);
      void dashboard.notify("success", "Contact logged on the customer's timeline");
      onLogged?.();
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
      aria-label="Log an interaction"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Box display="grid" gap={3} __gridTemplateColumns="repeat(auto-fit, minmax(160px, 1fr))">
        <Select
          size="small"
          label="Channel"
          options={channelOptions}
          value={channelOptions.find((option) => option.value === channel) ?? null}
          onChange={(option: Option) => setChannel(option.value as InteractionChannel)}
        />
        <Select
          size="small"
          label="Direction"
          options={directionOptions}
          value={directionOptions.find((option) => option.value === direction) ?? null}
          onChange={(option: Option) => setDirection(option.value as InteractionDirection)}
        />
      </Box>
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
        label="Notes"
        rows={4}
        value={body}
        disabled={saving}
        error={Boolean(errors.body)}
        helperText={errors.body ?? "What was said or agreed; staff only."}
        onChange={(event) => setBody(event.target.value)}
      />
      <Box display="grid" gap={3} __gridTemplateColumns="repeat(auto-fit, minmax(160px, 1fr))">
        <Input
          size="small"
          type="datetime-local"
          label="When"
          value={occurredAt}
          disabled={saving}
          error={Boolean(errors.occurredAt)}
          helperText={errors.occurredAt ?? "Leave empty for now"}
          onChange={(event) => setOccurredAt(event.target.value)}
        />
        {orders && orders.length > 0 && (
          <Select
            size="small"
            label="About an order"
            options={orderOptions}
            value={orderOptions.find((option) => option.value === order) ?? null}
            onChange={(option: Option) => setOrder(option.value)}
          />
        )}
      </Box>
      {(errors.form || errors.customerEmail) && (
        <Text size={2} color="critical1" role="alert">
          {[errors.customerEmail, errors.form].filter(Boolean).join(" ")}
        </Text>
      )}
      {logged && (
        <Text size={2} color="success1" role="status">
          Logged. It is on the customer's timeline.
        </Text>
      )}
      <Box display="flex" justifyContent="flex-end">
        <Button type="submit" variant="primary" size="small" disabled={saving}>
          {saving ? "Logging…" : "Log interaction"}
        </Button>
      </Box>
    </Box>
  );
}
