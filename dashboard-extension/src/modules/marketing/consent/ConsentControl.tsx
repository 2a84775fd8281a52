import { Box, Button, Select, Text, type Option } from "@saleor/macaw-ui";
import { useState } from "react";

import { formatDate } from "../../core/format";
import { describeError } from "../../core/graphql-client";
import { ErrorState, LinesSkeleton } from "../../core/ui/States";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import { ToneChip } from "../../customers/components";
import { CustomerMarketingConsent, MarketingConsentUpdate } from "../graphql/documents";
import type { MarketingConsent, MarketingConsentStatus } from "../graphql/types";
import { CONSENT_LABELS, SUPPRESSION_LABELS, consentSourceLabel } from "../labels";

/** What staff may record (PENDING is the storefront's double opt-in; NEVER is no record). */
const STAFF_STATUSES: MarketingConsentStatus[] = ["SUBSCRIBED", "UNSUBSCRIBED"];
const statusOptions: Option[] = STAFF_STATUSES.map((value) => ({ value, label: CONSENT_LABELS[value].label }));

/** "Subscribed since 3 Mar 2026, newsletter form" — or why the address is never mailed. */
export function consentSummary(consent: MarketingConsent, locale?: string): string {
  const parts: string[] = [];
  if (consent.updatedAt) parts.push(`since ${formatDate(consent.updatedAt, locale)}`);
  if (consent.source) parts.push(consentSourceLabel(consent.source));
  if (consent.suppressionReason) {
    parts.push(`never mailed: suppressed after ${SUPPRESSION_LABELS[consent.suppressionReason]}`);
  }
  return parts.join(" · ");
}

/**
 * A customer's email marketing consent, with a staff control to record a
 * change in the consent ledger (source "staff").
 */
export function ConsentControl({ profileId }: { profileId: string }) {
  const { client, dashboard, locale } = useCrm();
  const { data, error, loading, refetch } = useCrmQuery(CustomerMarketingConsent, { id: profileId });
  const [editing, setEditing] = useState(false);
  const [status, setStatus] = useState<MarketingConsentStatus>("SUBSCRIBED");
  const [problem, setProblem] = useState<string>();
  const [saving, setSaving] = useState(false);
  const profile = data?.customerProfile;
  const consent = profile?.marketingConsent;

  if (error && !loading) return <ErrorState error={error} onRetry={refetch} compact />;
  if (!data) return <LinesSkeleton lines={1} />;
  if (!profile || !consent) return null;

  const save = async () => {
    setSaving(true);
    setProblem(undefined);
    try {
      const payload = (await client.request(MarketingConsentUpdate, { email: profile.email, status, source: "staff" }))
        .marketingConsentUpdate;
      if (!payload?.consent || payload.errors.length) {
        setProblem(payload?.errors.map((item) => item.message).join(" ") || "The consent could not be recorded.");
        return;
      }
      void dashboard.notify("success", payload.changed ? `Consent recorded: ${CONSENT_LABELS[status].label}` : "No change");
      setEditing(false);
      refetch();
    } catch (failure) {
      setProblem(describeError(failure).detail);
    } finally {
      setSaving(false);
    }
  };

  const label = CONSENT_LABELS[consent.status];
  return (
    <Box display="flex" flexDirection="column" gap={2} data-testid="marketing-consent">
      <Box display="flex" alignItems="center" gap={2} flexWrap="wrap">
        <Text size={2} color="default2">
          Email marketing
        </Text>
        <ToneChip tone={consent.suppressionReason ? "critical1" : label.tone}>{label.label}</ToneChip>
        {!editing && !profile.isErased && (
          <Button
            variant="tertiary"
            size="small"
            onClick={() => {
              setStatus(consent.status === "SUBSCRIBED" ? "UNSUBSCRIBED" : "SUBSCRIBED");
              setEditing(true);
            }}
          >
            Change
          </Button>
        )}
      </Box>
      {consentSummary(consent, locale) && (
        <Text size={2} color="default2">
          {consentSummary(consent, locale)}
        </Text>
      )}
      {editing && (
        <Box
          as="form"
          display="flex"
          gap={2}
          alignItems="flex-end"
          flexWrap="wrap"
          aria-label="Change marketing consent"
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <Box __width="180px">
            <Select
              size="small"
              label="Consent"
              options={statusOptions}
              value={statusOptions.find((option) => option.value === status) ?? null}
              disabled={saving}
              error={Boolean(problem)}
              onChange={(option: Option) => setStatus(option.value as MarketingConsentStatus)}
            />
          </Box>
          <Button type="submit" variant="primary" size="small" disabled={saving}>
            {saving ? "Recording…" : "Record"}
          </Button>
          <Button type="button" variant="tertiary" size="small" disabled={saving} onClick={() => setEditing(false)}>
            Cancel
          </Button>
        </Box>
      )}
      {editing && (
        <Text size={1} color="default2">
          Record only what the customer told you; it is kept in the consent ledger with your change.
        </Text>
      )}
      {problem && (
        <Text size={2} color="critical1" role="alert">
          {problem}
        </Text>
      )}
    </Box>
  );
}
