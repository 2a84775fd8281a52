import { Box, Button, Input, Select, Text, Textarea, type Option } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";

import { formatDate, formatDateTime, formatMoney } from "../../core/format";
import { describeError } from "../../core/graphql-client";
import { Card } from "../../core/ui/Card";
import { useCrm } from "../../core/use-crm";
import { ToneChip } from "../../customers/components";
import type { Tone } from "../../customers/labels";
import {
  mutationFieldErrors,
  newIdempotencyKey,
  REFUND_FIELDS,
  refundInput,
  tokenMayIssueVouchers,
  validateRefund,
  validateVoucher,
  VOUCHER_FIELDS,
  voucherDefaults,
  voucherInput,
  type RefundErrors,
  type RefundFormValues,
  type VoucherErrors,
  type VoucherFormValues,
} from "../forms";
import { TicketIssueVoucher, TicketRefundOrder, TicketRefundReasons } from "../graphql/documents";
import type {
  OfferDiscountType,
  TicketDetails,
  TicketOrder,
  TicketRefund,
  TicketRefundReasonsData,
  TicketVoucher,
} from "../graphql/types";
import { isRequesterErased } from "./reply";

const discountOptions: Option[] = [
  { value: "PERCENTAGE", label: "Percentage off" },
  { value: "FIXED", label: "Fixed amount off" },
];

/** "15% off", "€5.00 off" (a fixed amount in the channel's currency, when the store has one). */
export function voucherTerms(voucher: Pick<TicketVoucher, "discountType" | "value" | "currency">, locale?: string): string {
  const value = Number(voucher.value);
  if (voucher.discountType === "PERCENTAGE") return `${Number.isFinite(value) ? value : voucher.value}% off`;
  if (voucher.currency && Number.isFinite(value)) return `${formatMoney({ amount: value, currency: voucher.currency }, locale)} off`;
  return `${voucher.value} off`;
}

export const REFUND_STATUS: Record<TicketRefund["status"], { label: string; tone: Tone }> = {
  REQUESTED: { label: "Requested", tone: "warning1" },
  STARTED: { label: "Started", tone: "success1" },
  FAILED: { label: "Failed", tone: "critical1" },
};

/** What Saleor said of a refund: its own status once started, its errors when it refused. */
export function refundDetail(refund: TicketRefund): string | undefined {
  if (refund.status === "FAILED") {
    return refund.storeErrors.map((error) => error.message || error.code).join(" ") || undefined;
  }
  if (refund.status === "REQUESTED") return "No answer from Saleor was recorded: check the order in Saleor.";
  return refund.storeStatus ? `Saleor: ${refund.storeStatus}` : undefined;
}

/** Replaces a refund the list already has (a retried one), or appends it. */
export function upsertRefund(refunds: TicketRefund[] | null, refund: TicketRefund): TicketRefund[] {
  const list = refunds ?? [];
  return list.some((item) => item.id === refund.id)
    ? list.map((item) => (item.id === refund.id ? refund : item))
    : [...list, refund];
}

export function VoucherList({ vouchers }: { vouchers: TicketVoucher[] }) {
  const { dashboard, locale } = useCrm();
  if (!vouchers.length) {
    return (
      <Text size={2} color="default2">
        No vouchers issued from this ticket.
      </Text>
    );
  }
  const copy = async (code: string) => {
    try {
      await navigator.clipboard.writeText(code);
      void dashboard.notify("success", "Code copied", code);
    } catch {
      void dashboard.notify("warning", "Could not copy the code", "Select it and copy it by hand.");
    }
  };
  return (
    <Box as="ul" display="flex" flexDirection="column" gap={3} margin={0} padding={0} aria-label="Vouchers">
      {vouchers.map((voucher) => (
        <Box as="li" key={voucher.id} display="flex" flexDirection="column" gap={0.5} data-testid="ticket-voucher">
          <Box display="flex" alignItems="center" gap={2} justifyContent="space-between">
            <Box
              as="code"
              __fontFamily="ui-monospace, SFMono-Regular, Menlo, monospace"
              __fontSize="1.05em"
              fontWeight="bold"
              data-testid="voucher-code"
            >
              {voucher.code}
            </Box>
            <Button variant="tertiary" size="small" onClick={() => void copy(voucher.code)} aria-label={`Copy ${voucher.code}`}>
              Copy
            </Button>
          </Box>
          <Text size={2} color="default2">
            {voucherTerms(voucher, locale)} · {voucher.channel}
            {voucher.minimumSpent && Number(voucher.minimumSpent) > 0
              ? ` · orders from ${voucher.currency ? formatMoney({ amount: Number(voucher.minimumSpent), currency: voucher.currency }, locale) : voucher.minimumSpent}`
              : ""}
          </Text>
          <Text size={2} color="default2">
            Valid until {formatDateTime(voucher.expiresAt, locale)} · issued by {voucher.issuedByName || "staff"}
          </Text>
          {voucher.note && (
            <Text size={2} __whiteSpace="pre-wrap">
              {voucher.note}
            </Text>
          )}
        </Box>
      ))}
    </Box>
  );
}

export function RefundList({ refunds }: { refunds: TicketRefund[] }) {
  const { locale } = useCrm();
  if (!refunds.length) {
    return (
      <Text size={2} color="default2">
        No refunds started from this ticket.
      </Text>
    );
  }
  return (
    <Box as="ul" display="flex" flexDirection="column" gap={3} margin={0} padding={0} aria-label="Refunds">
      {refunds.map((refund) => {
        const status = REFUND_STATUS[refund.status];
        const detail = refundDetail(refund);
        return (
          <Box as="li" key={refund.id} display="flex" flexDirection="column" gap={0.5} data-testid="ticket-refund">
            <Box display="flex" alignItems="center" gap={2} justifyContent="space-between">
              <Text size={4} fontWeight="bold">
                {formatMoney(refund.amount, locale)}
              </Text>
              <ToneChip tone={status.tone}>{status.label}</ToneChip>
            </Box>
            <Text size={2} color="default2">
              {formatDate(refund.createdAt, locale)} · by {refund.requestedByName || "staff"}
              {refund.reasonTitle ? ` · ${refund.reasonTitle}` : ""}
              {refund.reason ? ` · ${refund.reason}` : ""}
            </Text>
            {detail && (
              <Text size={2} color={refund.status === "STARTED" ? "default2" : "critical1"}>
                {detail}
              </Text>
            )}
          </Box>
        );
      })}
    </Box>
  );
}

/** A goodwill voucher for the ticket's customer: its terms, in the ticket's order's channel by default. */
export function IssueVoucherForm({
  ticketId,
  defaultChannel,
  onIssued,
  onCancel,
}: {
  ticketId: string;
  defaultChannel: string;
  onIssued: (voucher: TicketVoucher, updatedAt: string | null) => void;
  onCancel: () => void;
}) {
  const { client, dashboard } = useCrm();
  const [values, setValues] = useState<VoucherFormValues>(() => voucherDefaults(defaultChannel));
  const [errors, setErrors] = useState<VoucherErrors>({});
  const [saving, setSaving] = useState(false);
  const set = (field: keyof VoucherFormValues) => (value: string) => setValues((current) => ({ ...current, [field]: value }));

  const submit = async () => {
    const local = validateVoucher(values);
    setErrors(local);
    if (Object.keys(local).length) return;
    setSaving(true);
    try {
      const result = (await client.request(TicketIssueVoucher, { id: ticketId, input: voucherInput(values) }))
        .ticketIssueVoucher;
      if (!result?.voucher || result.errors.length) {
        const fieldErrors = mutationFieldErrors(result?.errors ?? [], VOUCHER_FIELDS);
        setErrors(Object.keys(fieldErrors).length ? fieldErrors : { form: "The voucher could not be issued." });
        return;
      }
      void dashboard.notify("success", "Voucher issued", result.voucher.code);
      onIssued(result.voucher, result.ticket?.updatedAt ?? null);
    } catch (failure) {
      setErrors({ form: describeError(failure).detail });
    } finally {
      setSaving(false);
    }
  };

  const fixed = values.discountType === "FIXED";
  return (
    <Box
      as="form"
      display="flex"
      flexDirection="column"
      gap={3}
      aria-label="Issue voucher"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Box display="grid" gap={3} __gridTemplateColumns="repeat(auto-fit, minmax(140px, 1fr))">
        <Select
          size="small"
          label="Discount"
          options={discountOptions}
          disabled={saving}
          value={discountOptions.find((option) => option.value === values.discountType) ?? null}
          onChange={(option: Option) => set("discountType")(option.value as OfferDiscountType)}
        />
        <Input
          size="small"
          label={fixed ? "Amount off" : "Percent off"}
          inputMode="decimal"
          value={values.value}
          disabled={saving}
          error={Boolean(errors.value)}
          helperText={errors.value ?? (fixed ? "In the channel's currency" : "Up to 100")}
          onChange={(event) => set("value")(event.target.value)}
        />
      </Box>
      <Box display="grid" gap={3} __gridTemplateColumns="repeat(auto-fit, minmax(140px, 1fr))">
        <Input
          size="small"
          label="Valid days"
          inputMode="numeric"
          value={values.validDays}
          disabled={saving}
          error={Boolean(errors.validDays)}
          helperText={errors.validDays ?? "From today, 1 to 365"}
          onChange={(event) => set("validDays")(event.target.value)}
        />
        <Input
          size="small"
          label="Channel"
          value={values.channel}
          disabled={saving}
          error={Boolean(errors.channel)}
          helperText={errors.channel ?? "Slug of the channel it works in"}
          onChange={(event) => set("channel")(event.target.value)}
        />
      </Box>
      <Input
        size="small"
        label="Minimum spent (optional)"
        inputMode="decimal"
        value={values.minimumSpent}
        disabled={saving}
        error={Boolean(errors.minimumSpent)}
        helperText={errors.minimumSpent ?? "Order total it needs, in the channel's currency"}
        onChange={(event) => set("minimumSpent")(event.target.value)}
      />
      <Textarea
        label="Note (optional)"
        rows={2}
        value={values.note}
        disabled={saving}
        error={Boolean(errors.note)}
        helperText={errors.note ?? "Why; kept on the ticket, never sent to the customer"}
        onChange={(event) => set("note")(event.target.value)}
      />
      {(errors.form || errors.discountType) && (
        <Text size={2} color="critical1" role="alert">
          {[errors.discountType, errors.form].filter(Boolean).join(" ")}
        </Text>
      )}
      <Box display="flex" gap={2} justifyContent="flex-end">
        <Button type="button" variant="tertiary" size="small" disabled={saving} onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" size="small" disabled={saving}>
          {saving ? "Issuing…" : "Issue voucher"}
        </Button>
      </Box>
    </Box>
  );
}

/** A refund of the ticket's order through Saleor; one idempotency key per form, so a repeat refunds once. */
export function RefundOrderForm({
  ticketId,
  order,
  onRefunded,
  onCancel,
}: {
  ticketId: string;
  /** The linked order when it is among the customer's latest (for its total). */
  order?: TicketOrder;
  /** Also for a refund Saleor refused: its record, marked failed. */
  onRefunded: (refund: TicketRefund, updatedAt: string | null) => void;
  onCancel: () => void;
}) {
  const { client, dashboard, locale } = useCrm();
  const [values, setValues] = useState<RefundFormValues>({ amount: "", reason: "", reasonReference: "" });
  const [errors, setErrors] = useState<RefundErrors>({});
  const [saving, setSaving] = useState(false);
  const [idempotencyKey] = useState(newIdempotencyKey);
  // The store's refund reasons (Saleor 3.22+); none offered until they load.
  const [reasons, setReasons] = useState<TicketRefundReasonsData["ticketRefundReasons"]>();
  useEffect(() => {
    let live = true;
    client
      .request(TicketRefundReasons, {})
      .then((data) => live && setReasons(data.ticketRefundReasons))
      .catch(() => live && setReasons({ required: false, reasons: [] }));
    return () => {
      live = false;
    };
  }, [client]);
  const reasonOptions: Option[] = [
    ...(reasons?.required ? [] : [{ value: "", label: "No reason" }]),
    ...(reasons?.reasons ?? []).map((reason) => ({ value: reason.id, label: reason.title })),
  ];

  const submit = async () => {
    if (saving) return;
    const local = validateRefund(values, order?.total, reasons?.required ?? false);
    setErrors(local);
    if (Object.keys(local).length) return;
    setSaving(true);
    try {
      const result = (await client.request(TicketRefundOrder, { id: ticketId, input: refundInput(values, idempotencyKey) }))
        .ticketRefundOrder;
      // A refused refund is recorded (FAILED): the list shows it beside the errors.
      if (result?.refund) onRefunded(result.refund, result.ticket?.updatedAt ?? null);
      if (!result?.refund || result.errors.length) {
        const fieldErrors = mutationFieldErrors(result?.errors ?? [], REFUND_FIELDS);
        setErrors(Object.keys(fieldErrors).length ? fieldErrors : { form: "The refund could not be started." });
        return;
      }
      void dashboard.notify("success", "Refund started", formatMoney(result.refund.amount, locale));
      onCancel();
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
      aria-label="Refund order"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Input
        size="small"
        label={order ? `Amount (${order.total.currency})` : "Amount"}
        inputMode="decimal"
        value={values.amount}
        disabled={saving}
        error={Boolean(errors.amount)}
        helperText={errors.amount ?? (order ? `Order #${order.number}: ${formatMoney(order.total, locale)}` : "In the order's currency")}
        onChange={(event) => setValues((current) => ({ ...current, amount: event.target.value }))}
      />
      {reasons && reasons.reasons.length > 0 && (
        <Select
          size="small"
          label={reasons.required ? "Refund reason" : "Refund reason (optional)"}
          options={reasonOptions}
          disabled={saving}
          error={Boolean(errors.reasonReference)}
          helperText={errors.reasonReference ?? "The store's refund reasons, as in Saleor's own refunds"}
          value={reasonOptions.find((option) => option.value === values.reasonReference) ?? null}
          onChange={(option: Option) => setValues((current) => ({ ...current, reasonReference: option.value }))}
        />
      )}
      <Textarea
        label={reasons?.reasons.length ? "Note (optional)" : "Reason (optional)"}
        rows={2}
        value={values.reason}
        disabled={saving}
        error={Boolean(errors.reason)}
        helperText={errors.reason ?? "Kept on the ticket and given to Saleor"}
        onChange={(event) => setValues((current) => ({ ...current, reason: event.target.value }))}
      />
      {(errors.form || errors.idempotencyKey) && (
        <Text size={2} color="critical1" role="alert">
          {[errors.idempotencyKey, errors.form].filter(Boolean).join(" ")}
        </Text>
      )}
      <Box display="flex" gap={2} justifyContent="flex-end">
        <Button type="button" variant="tertiary" size="small" disabled={saving} onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" size="small" disabled={saving}>
          {saving ? "Refunding…" : "Refund order"}
        </Button>
      </Box>
    </Box>
  );
}

type OpenForm = "voucher" | "refund" | undefined;

/**
 * Vouchers issued from the ticket and refunds of its order, with the forms
 * that make them. Vouchers need a verified customer (and MANAGE_DISCOUNTS);
 * refunds a linked order and MANAGE_ORDERS (without it, `refunds` is null).
 */
export function OrderActionsCard({
  ticket,
  onChange,
}: {
  ticket: TicketDetails;
  onChange: (update: (current: TicketDetails) => TicketDetails) => void;
}) {
  const { client } = useCrm();
  const [open, setOpen] = useState<OpenForm>();
  const [mayIssue, setMayIssue] = useState<boolean | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const token = typeof client.token === "function" ? client.token() : Promise.resolve(undefined);
    token.then(
      (value) => live && setMayIssue(tokenMayIssueVouchers(value)),
      () => live && setMayIssue(undefined),
    );
    return () => {
      live = false;
    };
  }, [client]);

  const orders = ticket.customer?.orders.edges.map((edge) => edge.node) ?? [];
  const order = ticket.order ? orders.find((item) => item.id === ticket.order) : undefined;
  const erased = isRequesterErased(ticket);
  const canVoucher = Boolean(ticket.customer) && !erased && mayIssue !== false;
  const canRefund = Boolean(ticket.order) && ticket.refunds !== null && !erased;
  const touched = (updatedAt: string | null) => (current: TicketDetails) =>
    updatedAt ? { ...current, updatedAt } : current;

  return (
    <Card
      title="Vouchers & refunds"
      actions={
        open ? undefined : (
          <Box display="flex" gap={2}>
            {canVoucher && (
              <Button variant="secondary" size="small" onClick={() => setOpen("voucher")}>
                Issue voucher
              </Button>
            )}
            {canRefund && (
              <Button variant="secondary" size="small" onClick={() => setOpen("refund")}>
                Refund order
              </Button>
            )}
          </Box>
        )
      }
    >
      {open === "voucher" && (
        <IssueVoucherForm
          ticketId={ticket.id}
          defaultChannel={order?.channel ?? ""}
          onCancel={() => setOpen(undefined)}
          onIssued={(voucher, updatedAt) => {
            onChange((current) => ({ ...touched(updatedAt)(current), vouchers: [...current.vouchers, voucher] }));
            setOpen(undefined);
          }}
        />
      )}
      {open === "refund" && (
        <RefundOrderForm
          ticketId={ticket.id}
          order={order}
          onCancel={() => setOpen(undefined)}
          onRefunded={(refund, updatedAt) =>
            onChange((current) => ({ ...touched(updatedAt)(current), refunds: upsertRefund(current.refunds, refund) }))
          }
        />
      )}
      <VoucherList vouchers={ticket.vouchers} />
      {!ticket.customer && (
        <Text size={2} color="default2">
          Vouchers can be issued once the requester has verified their email.
        </Text>
      )}
      {ticket.customer && mayIssue === false && (
        <Text size={2} color="default2">
          Issuing vouchers needs the Manage discounts permission.
        </Text>
      )}
      {ticket.refunds !== null ? (
        <RefundList refunds={ticket.refunds} />
      ) : (
        <Text size={2} color="default2">
          Refunds need the Manage orders permission.
        </Text>
      )}
    </Card>
  );
}
