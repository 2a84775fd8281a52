import { Box, Button, Input, Select, Text, Textarea, type Option } from "@saleor/macaw-ui";
import { useState, type ReactNode } from "react";

import { formatDateTime, formatNumber } from "../../core/format";
import { describeError } from "../../core/graphql-client";
import { appPaths } from "../../core/routes";
import { Card } from "../../core/ui/Card";
import { PageHeader } from "../../core/ui/PageHeader";
import { ErrorState, LinesSkeleton } from "../../core/ui/States";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import { ToneChip } from "../../customers/components";
import {
  MarketingCampaignCancel,
  MarketingCampaignCreate,
  MarketingCampaignDelete,
  MarketingCampaignDetails,
  MarketingCampaignSend,
  MarketingCampaignUpdate,
  MarketingSegments,
} from "../graphql/documents";
import type {
  CampaignDetails,
  CampaignDiscountType,
  CampaignWinnerMetric,
  CampaignWithRevenue,
  MarketingError,
} from "../graphql/types";
import { CAMPAIGN_STATUSES, isEditable } from "../labels";
import {
  MAX_VARIANTS,
  TEMPLATE_VARIABLES,
  campaignFieldErrors,
  checkSchedule,
  emptyCampaign,
  fromCampaign,
  scheduleToIso,
  toCampaignInput,
  validateCampaign,
  type CampaignErrors,
  type CampaignValues,
} from "./campaign-form";
import { CampaignPreview } from "./CampaignPreview";
import { CampaignReport } from "./CampaignReport";
import { variantLabel } from "./report";

const discountOptions: Option[] = [
  { value: "PERCENTAGE", label: "Percentage off" },
  { value: "FIXED", label: "Amount off" },
];
const metricOptions: Option[] = [
  { value: "OPEN_RATE", label: "Open rate" },
  { value: "CLICK_RATE", label: "Click rate" },
];

export function CampaignPage({ campaignId }: { campaignId: string }) {
  const isNew = campaignId === "new";
  const { navigate } = useCrm();
  const { data, error, loading, refetch } = useCrmQuery(MarketingCampaignDetails, { id: campaignId }, { skip: isNew });
  const back = () => navigate(appPaths.marketing());
  if (!isNew && (error || !data?.campaign)) {
    return (
      <Box>
        <PageHeader title={data && !data.campaign ? "Campaign not found" : "Campaign"} onBack={back} backLabel="Back to marketing" />
        <Box padding={6}>
          {error && !loading ? (
            <ErrorState error={error} onRetry={refetch} />
          ) : data ? (
            <Text>It was deleted, or the link is wrong.</Text>
          ) : (
            <LinesSkeleton lines={8} />
          )}
        </Box>
      </Box>
    );
  }
  const campaign = data?.campaign ?? undefined;
  return <CampaignEditor key={campaign?.updatedAt ?? "new"} campaign={campaign} onChanged={refetch} />;
}

function CampaignEditor({ campaign, onChanged }: { campaign?: CampaignWithRevenue; onChanged: () => void }) {
  const { client, navigate, dashboard, locale } = useCrm();
  const [values, setValues] = useState<CampaignValues>(() => (campaign ? fromCampaign(campaign) : emptyCampaign()));
  const [errors, setErrors] = useState<CampaignErrors>({});
  const [busy, setBusy] = useState(false);
  const [dirty, setDirty] = useState(!campaign);
  const [scheduleAt, setScheduleAt] = useState("");
  const [confirm, setConfirm] = useState<"delete" | "cancel" | "send" | null>(null);
  const segments = useCrmQuery(MarketingSegments, { first: 100 });
  const editable = !campaign || isEditable(campaign.status);

  const set = <K extends keyof CampaignValues>(key: K, value: CampaignValues[K]) => {
    setValues((current) => ({ ...current, [key]: value }));
    setDirty(true);
    setErrors((current) => ({ ...current, [key]: undefined, form: undefined }));
  };
  const setOffer = (key: keyof CampaignValues["offer"], value: string) => {
    setValues((current) => ({ ...current, offer: { ...current.offer, [key]: value } }));
    setDirty(true);
    setErrors((current) => ({ ...current, [`offer.${key}`]: undefined }));
  };

  const fail = (payloadErrors: ReadonlyArray<MarketingError>, fallback: string) => {
    const mapped = campaignFieldErrors(payloadErrors, values);
    setErrors(Object.keys(mapped).length ? mapped : { form: fallback });
  };

  /** Saves the form; the saved campaign, or undefined with the errors shown. */
  const save = async (): Promise<CampaignDetails | undefined> => {
    const local = validateCampaign(values);
    setErrors(local);
    if (Object.keys(local).length) return undefined;
    const input = toCampaignInput(values);
    const payload = campaign
      ? (await client.request(MarketingCampaignUpdate, { id: campaign.id, input })).campaignUpdate
      : (await client.request(MarketingCampaignCreate, { input })).campaignCreate;
    if (!payload?.campaign || payload.errors.length) {
      fail(payload?.errors ?? [], "The campaign could not be saved.");
      return undefined;
    }
    setDirty(false);
    return payload.campaign;
  };

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } catch (failure) {
      setErrors({ form: describeError(failure).detail });
    } finally {
      setBusy(false);
      setConfirm(null);
    }
  };

  const onSave = () =>
    run(async () => {
      const saved = await save();
      if (!saved) return;
      void dashboard.notify("success", campaign ? "Campaign saved" : "Campaign created");
      if (campaign) onChanged();
      else navigate(appPaths.campaign(saved.id));
    });

  const onSend = (when: "now" | "later") =>
    run(async () => {
      let scheduledAt: string | null = null;
      if (when === "later") {
        const problem = checkSchedule(scheduleAt);
        if (problem) {
          setErrors({ scheduledAt: problem });
          return;
        }
        scheduledAt = scheduleToIso(scheduleAt) ?? null;
      }
      const saved = dirty || !campaign ? await save() : campaign;
      if (!saved) return;
      const payload = (await client.request(MarketingCampaignSend, { id: saved.id, scheduledAt })).campaignSend;
      if (!payload?.campaign || payload.errors.length) {
        fail(payload?.errors ?? [], "The campaign could not be sent.");
        return;
      }
      void dashboard.notify("success", scheduledAt ? `Scheduled for ${formatDateTime(scheduledAt, locale)}` : "Sending started");
      if (campaign) onChanged();
      else navigate(appPaths.campaign(saved.id));
    });

  const onCancel = () =>
    run(async () => {
      if (!campaign) return;
      const payload = (await client.request(MarketingCampaignCancel, { id: campaign.id })).campaignCancel;
      if (!payload?.campaign || payload.errors.length) return fail(payload?.errors ?? [], "The campaign could not be cancelled.");
      void dashboard.notify("success", "Campaign cancelled");
      onChanged();
    });

  const onDelete = () =>
    run(async () => {
      if (!campaign) return;
      const payload = (await client.request(MarketingCampaignDelete, { id: campaign.id })).campaignDelete;
      if (!payload?.deletedId) return fail(payload?.errors ?? [], "The campaign could not be deleted.");
      void dashboard.notify("success", "Campaign deleted");
      navigate(appPaths.marketing());
    });

  const segmentOptions: Option[] = (segments.data?.segments?.edges ?? []).map(({ node }) => ({
    value: node.id,
    label: `${node.name} · ${formatNumber(node.customerCount, locale)} customers`,
  }));
  if (campaign?.segment && !segmentOptions.some((option) => option.value === campaign.segment?.id)) {
    segmentOptions.push({ value: campaign.segment.id, label: campaign.segment.name });
  }
  const status = campaign ? CAMPAIGN_STATUSES[campaign.status] : undefined;
  const started = campaign && !isEditable(campaign.status);
  const cancellable = campaign && ["SCHEDULED", "SENDING", "TESTING"].includes(campaign.status);
  const field = (name: string) => ({ error: Boolean(errors[name]), helperText: errors[name] });

  return (
    <Box>
      <PageHeader
        title={
          <Box as="span" display="flex" alignItems="center" gap={3}>
            {campaign ? campaign.name : "New campaign"}
            {status && <ToneChip tone={status.tone}>{status.label}</ToneChip>}
          </Box>
        }
        subtitle={campaignSubtitle(campaign, locale)}
        onBack={() => navigate(appPaths.marketing())}
        backLabel="Back to marketing"
        actions={
          <>
            {confirm ? (
              <>
                <Button variant="tertiary" size="small" disabled={busy} onClick={() => setConfirm(null)}>
                  Keep it
                </Button>
                <Button
                  variant={confirm === "send" ? "primary" : "error"}
                  size="small"
                  disabled={busy}
                  onClick={() => void (confirm === "delete" ? onDelete() : confirm === "cancel" ? onCancel() : onSend("now"))}
                >
                  {confirm === "delete" ? "Delete campaign" : confirm === "cancel" ? "Stop sending" : "Send to the segment now"}
                </Button>
              </>
            ) : (
              <>
                {campaign && campaign.status === "DRAFT" && (
                  <Button variant="tertiary" size="small" disabled={busy} onClick={() => setConfirm("delete")}>
                    Delete
                  </Button>
                )}
                {cancellable && (
                  <Button variant="secondary" size="small" disabled={busy} onClick={() => setConfirm("cancel")}>
                    Cancel campaign
                  </Button>
                )}
                {editable && (
                  <Button variant="primary" size="small" disabled={busy} onClick={() => void onSave()}>
                    {busy ? "Saving…" : campaign ? "Save" : "Create campaign"}
                  </Button>
                )}
              </>
            )}
          </>
        }
      />
      <Box padding={6} display="flex" flexDirection="column" gap={4}>
        {errors.form && (
          <Box padding={3} borderRadius={3} backgroundColor="critical1" role="alert">
            <Text size={3} color="critical1">
              {errors.form}
            </Text>
          </Box>
        )}
        {started && campaign && <CampaignReport campaign={campaign} />}
        <Box display="grid" gap={4} __gridTemplateColumns="minmax(0, 1fr) minmax(0, 1fr)">
          <Box display="flex" flexDirection="column" gap={4} __minWidth="0">
            <Card title="Email">
              <Input size="small" label="Name (staff only)" value={values.name} disabled={!editable || busy} {...field("name")} onChange={(event) => set("name", event.target.value)} />
              <Select
                size="small"
                label="Segment"
                options={segmentOptions}
                value={segmentOptions.find((option) => option.value === values.segment) ?? null}
                disabled={!editable || busy}
                {...field("segment")}
                onChange={(option: Option) => set("segment", option.value)}
              />
              <Input size="small" label="Subject" value={values.subject} disabled={!editable || busy} {...field("subject")} onChange={(event) => set("subject", event.target.value)} />
              <Textarea
                label="Body (HTML)"
                rows={10}
                value={values.body}
                disabled={!editable || busy}
                error={Boolean(errors.body)}
                helperText={errors.body ?? "Handlebars: the variables below. <style> is inlined; scripts and forms are removed."}
                onChange={(event) => set("body", event.target.value)}
              />
              <VariablesList offer={values.offerEnabled} />
              <Input
                size="small"
                label="From"
                placeholder="The store's default sender"
                value={values.fromEmail}
                disabled={!editable || busy}
                {...field("fromEmail")}
                onChange={(event) => set("fromEmail", event.target.value)}
              />
            </Card>
            <Card
              title="Personal offer"
              subtitle="Every recipient gets their own single-use code"
              actions={
                editable && (
                  <Button
                    variant="secondary"
                    size="small"
                    disabled={busy}
                    aria-pressed={values.offerEnabled}
                    onClick={() => set("offerEnabled", !values.offerEnabled)}
                  >
                    {values.offerEnabled ? "Remove offer" : "Add an offer"}
                  </Button>
                )
              }
            >
              {values.offerEnabled ? (
                <Box display="grid" gap={3} __gridTemplateColumns="repeat(auto-fit, minmax(150px, 1fr))">
                  <Select
                    size="small"
                    label="Discount"
                    options={discountOptions}
                    value={discountOptions.find((option) => option.value === values.offer.discountType) ?? null}
                    disabled={!editable || busy}
                    onChange={(option: Option) => setOffer("discountType", option.value as CampaignDiscountType)}
                  />
                  <Input size="small" type="number" label={values.offer.discountType === "PERCENTAGE" ? "Percent off" : "Amount off"} value={values.offer.value} disabled={!editable || busy} {...field("offer.value")} onChange={(event) => setOffer("value", event.target.value)} />
                  <Input size="small" type="number" label="Valid for (days)" value={values.offer.validDays} disabled={!editable || busy} {...field("offer.validDays")} onChange={(event) => setOffer("validDays", event.target.value)} />
                  <Input size="small" label="Channel slug" value={values.offer.channel} disabled={!editable || busy} {...field("offer.channel")} onChange={(event) => setOffer("channel", event.target.value)} />
                  <Input size="small" type="number" label="Minimum order (optional)" value={values.offer.minimumSpent} disabled={!editable || busy} {...field("offer.minimumSpent")} onChange={(event) => setOffer("minimumSpent", event.target.value)} />
                </Box>
              ) : (
                <Text size={3} color="default2">
                  No offer: the email carries no code.
                </Text>
              )}
            </Card>
            <Card title="Holdout and A/B test">
              <Input
                size="small"
                type="number"
                label="Holdout (% of the audience that gets nothing)"
                value={values.holdoutPercent}
                disabled={!editable || busy}
                error={Boolean(errors.holdoutPercent)}
                helperText={errors.holdoutPercent ?? "The same share of customers is measured without the email, so the report can tell what the campaign added."}
                onChange={(event) => set("holdoutPercent", event.target.value)}
              />
              {values.variants.map((variant, index) => (
                <Box key={index} display="flex" flexDirection="column" gap={2} padding={3} borderRadius={3} backgroundColor="default1Hovered" data-testid="campaign-variant">
                  <Box display="flex" justifyContent="space-between" alignItems="center">
                    <Text size={3} fontWeight="bold">
                      {variantLabel(index + 1)}
                    </Text>
                    {editable && (
                      <Button
                        variant="tertiary"
                        size="small"
                        disabled={busy}
                        onClick={() => set("variants", values.variants.filter((_, position) => position !== index))}
                      >
                        Remove
                      </Button>
                    )}
                  </Box>
                  <Input
                    size="small"
                    label="Subject (empty: the campaign's)"
                    value={variant.subject}
                    disabled={!editable || busy}
                    {...field(`variants.${index}.subject`)}
                    onChange={(event) =>
                      set("variants", values.variants.map((item, position) => (position === index ? { ...item, subject: event.target.value } : item)))
                    }
                  />
                  <Textarea
                    label="Body (empty: the campaign's)"
                    rows={3}
                    value={variant.body}
                    disabled={!editable || busy}
                    error={Boolean(errors[`variants.${index}.body`])}
                    helperText={errors[`variants.${index}.body`]}
                    onChange={(event) =>
                      set("variants", values.variants.map((item, position) => (position === index ? { ...item, body: event.target.value } : item)))
                    }
                  />
                </Box>
              ))}
              {errors.variants && (
                <Text size={2} color="critical1" role="alert">
                  {errors.variants}
                </Text>
              )}
              {editable && values.variants.length < MAX_VARIANTS && (
                <Box>
                  <Button
                    variant="secondary"
                    size="small"
                    disabled={busy}
                    onClick={() => {
                      setValues((current) => ({
                        ...current,
                        variants: [...current.variants, { subject: "", body: "" }],
                        testPercent: current.variants.length || Number(current.testPercent) > 0 ? current.testPercent : "20",
                      }));
                      setDirty(true);
                    }}
                  >
                    Add A/B variant
                  </Button>
                </Box>
              )}
              {values.variants.length > 0 && (
                <Box display="grid" gap={3} __gridTemplateColumns="repeat(auto-fit, minmax(150px, 1fr))">
                  <Input size="small" type="number" label="Test group (%)" value={values.testPercent} disabled={!editable || busy} {...field("testPercent")} onChange={(event) => set("testPercent", event.target.value)} />
                  <Select
                    size="small"
                    label="Winner by"
                    options={metricOptions}
                    value={metricOptions.find((option) => option.value === values.winnerMetric) ?? null}
                    disabled={!editable || busy}
                    onChange={(option: Option) => set("winnerMetric", option.value as CampaignWinnerMetric)}
                  />
                  <Input size="small" type="number" label="Winner after (hours)" value={values.winnerAfterHours} disabled={!editable || busy} {...field("winnerAfterHours")} onChange={(event) => set("winnerAfterHours", event.target.value)} />
                </Box>
              )}
            </Card>
          </Box>
          <Box display="flex" flexDirection="column" gap={4} __minWidth="0">
            {campaign?.status === "DRAFT" || !campaign ? (
              <Card title="Send" subtitle="Only customers who subscribed, and are not suppressed, get it">
                <Box display="flex" gap={3} alignItems="flex-end" flexWrap="wrap">
                  <Button variant="primary" size="small" disabled={busy} onClick={() => setConfirm("send")}>
                    Send now
                  </Button>
                  <Text size={2} color="default2">
                    or
                  </Text>
                  <Box __width="220px">
                    <Input
                      size="small"
                      type="datetime-local"
                      label="Schedule for"
                      value={scheduleAt}
                      disabled={busy}
                      {...field("scheduledAt")}
                      onChange={(event) => {
                        setScheduleAt(event.target.value);
                        setErrors((current) => ({ ...current, scheduledAt: undefined }));
                      }}
                    />
                  </Box>
                  <Button variant="secondary" size="small" disabled={busy || !scheduleAt} onClick={() => void onSend("later")}>
                    Schedule
                  </Button>
                </Box>
                {dirty && (
                  <Text size={2} color="default2">
                    Unsaved changes are saved first.
                  </Text>
                )}
              </Card>
            ) : null}
            <CampaignPreview
              campaignId={campaign?.id}
              input={editable ? toCampaignInput(values) : undefined}
              variants={values.variants.length}
            />
          </Box>
        </Box>
      </Box>
    </Box>
  );
}

function campaignSubtitle(campaign: CampaignDetails | undefined, locale?: string): ReactNode {
  if (!campaign) return "A personalised email to a segment";
  const audience = campaign.segment ? `To ${campaign.segment.name}` : "Segment deleted";
  if (campaign.finishedAt) return `${audience} · finished ${formatDateTime(campaign.finishedAt, locale)}`;
  if (campaign.startedAt) return `${audience} · started ${formatDateTime(campaign.startedAt, locale)}`;
  if (campaign.scheduledAt) return `${audience} · starts ${formatDateTime(campaign.scheduledAt, locale)}`;
  return audience;
}

function VariablesList({ offer }: { offer: boolean }) {
  return (
    <Box display="flex" flexDirection="column" gap={1} data-testid="template-variables">
      <Text size={2} color="default2">
        Variables
      </Text>
      <Box display="flex" flexWrap="wrap" gap={2}>
        {TEMPLATE_VARIABLES.filter((variable) => offer || !variable.offerOnly).map((variable) => (
          <Box key={variable.name} display="flex" gap={1} alignItems="baseline" title={variable.description}>
            <Box as="code" paddingX={1} borderRadius={2} backgroundColor="default1Hovered">
              <Text size={2}>{variable.name}</Text>
            </Box>
            <Text size={1} color="default2">
              {variable.description}
            </Text>
          </Box>
        ))}
      </Box>
    </Box>
  );
}
