import { Box, Button, Select, Text, type Option } from "@saleor/macaw-ui";
import { useState } from "react";

import { describeError } from "../../core/graphql-client";
import { useCrm } from "../../core/use-crm";
import { TicketAssign } from "../graphql/documents";
import type { StaffDirectory } from "../staff";

const NOBODY = "__nobody__";

const UNAVAILABLE_HINTS = {
  permission: "Staff names need Saleor's MANAGE_STAFF permission for the CRM app.",
  error: "Saleor's staff list could not be loaded.",
  "no-api": "The Dashboard did not say where Saleor's API is.",
} as const;

/**
 * Who works on the ticket. With Saleor's staff list: a picker. Without it
 * (no MANAGE_STAFF): "Assign to me" and "Unassign", showing IDs.
 */
export function AssigneeControl({
  ticketId,
  assignee,
  staff,
  disabled,
  onAssigned,
}: {
  ticketId: string;
  assignee: string | null;
  staff: StaffDirectory;
  disabled?: boolean;
  onAssigned: (assignee: string | null, updatedAt: string) => void;
}) {
  const { client, dashboard } = useCrm();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();

  const assign = async (next: string | null) => {
    if (next === assignee) return;
    setSaving(true);
    setError(undefined);
    try {
      const result = (await client.request(TicketAssign, { id: ticketId, assignee: next })).ticketAssign;
      const message = result?.errors.map((e) => e.message).filter(Boolean).join(" ");
      if (!result?.ticket || result.errors.length) {
        setError(message || "The ticket could not be assigned.");
        return;
      }
      onAssigned(result.ticket.assignee, result.ticket.updatedAt);
      void dashboard.notify(
        "success",
        !next ? "Ticket unassigned" : next === staff.me ? "Assigned to you" : `Assigned to ${staff.nameOf(next)}`,
      );
    } catch (failure) {
      setError(describeError(failure).detail);
    } finally {
      setSaving(false);
    }
  };

  const errorText = error && (
    <Text size={2} color="critical1" role="alert">
      {error}
    </Text>
  );

  if (staff.users.length > 0) {
    const options: Option[] = [
      { value: NOBODY, label: "Unassigned" },
      ...staff.users.map((user) => ({ value: user.id, label: staff.nameOf(user.id) })),
    ];
    if (assignee && !staff.users.some((user) => user.id === assignee)) {
      options.push({ value: assignee, label: staff.nameOf(assignee) });
    }
    return (
      <Box display="flex" flexDirection="column" gap={1}>
        <Select
          size="small"
          label="Assignee"
          options={options}
          disabled={disabled || saving}
          value={options.find((option) => option.value === (assignee ?? NOBODY)) ?? null}
          onChange={(option: Option) => void assign(option.value === NOBODY ? null : option.value)}
        />
        {errorText}
      </Box>
    );
  }

  const mine = Boolean(staff.me && assignee === staff.me);
  return (
    <Box display="flex" flexDirection="column" gap={1}>
      <Text size={2} color="default2">
        Assignee
      </Text>
      <Box display="flex" alignItems="center" gap={2} flexWrap="wrap">
        <Text
          size={3}
          fontWeight="medium"
          color={assignee ? "default1" : "default2"}
          title={assignee ? `Saleor user ${assignee}` : undefined}
          whiteSpace="nowrap"
        >
          {staff.nameOf(assignee)}
        </Text>
        {!mine && (
          <Button
            variant="secondary"
            size="small"
            disabled={disabled || saving || !staff.me}
            title={staff.me ? undefined : "Your Dashboard session does not say who you are."}
            onClick={() => void assign(staff.me ?? null)}
          >
            Assign to me
          </Button>
        )}
        {assignee && (
          <Button variant="tertiary" size="small" disabled={disabled || saving} onClick={() => void assign(null)}>
            Unassign
          </Button>
        )}
      </Box>
      {staff.unavailable && !staff.loading && (
        <Text size={1} color="default2">
          {UNAVAILABLE_HINTS[staff.unavailable]}
        </Text>
      )}
      {errorText}
    </Box>
  );
}
