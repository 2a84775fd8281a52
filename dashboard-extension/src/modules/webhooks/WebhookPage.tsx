import { Box, Button, Checkbox, Input, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import { formatDateTime } from "../core/format";
import { describeError } from "../core/graphql-client";
import { appPaths } from "../core/routes";
import { Card } from "../core/ui/Card";
import { PageHeader } from "../core/ui/PageHeader";
import { ErrorState, LinesSkeleton } from "../core/ui/States";
import { useCrm, useCrmQuery } from "../core/use-crm";
import { ToneChip } from "../customers/components";
import { DeliveryLog } from "./DeliveryLog";
import { CrmWebhookCreate, CrmWebhookDelete, CrmWebhookDetails, CrmWebhookUpdate } from "./graphql/documents";
import type { CrmWebhook, WebhookEventType } from "./graphql/types";
import { endpointLabel, endpointStatus, EVENT_GROUPS, isTurnedOff } from "./labels";
import { isPermissionDenied, WebhooksPermissionNotice } from "./PermissionNotice";
import { TurnedOffNotice } from "./TurnedOffNotice";
import {
  emptyWebhook,
  fromWebhook,
  toCreateInput,
  toUpdateInput,
  validateWebhook,
  webhookFieldErrors,
  type WebhookErrors,
  type WebhookValues,
} from "./webhook-form";

const BACK = "Back to webhooks";
const mono = { __fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace" } as const;

/** An endpoint's page (`webhookId` "new": the form of one not registered yet). */
export function WebhookPage({ webhookId }: { webhookId: string }) {
  const isNew = webhookId === "new";
  const { navigate } = useCrm();
  const { data, error, loading, refetch } = useCrmQuery(CrmWebhookDetails, { id: webhookId }, { skip: isNew });
  const back = () => navigate(appPaths.webhooks());
  if (isNew) return <NewWebhook />;
  if (error || !data?.crmWebhook) {
    return (
      <Box>
        <PageHeader title={data && !data.crmWebhook ? "Endpoint not found" : "Webhook endpoint"} onBack={back} backLabel={BACK} />
        <Box padding={6}>
          {isPermissionDenied(error) ? (
            <WebhooksPermissionNotice />
          ) : error && !loading ? (
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
  const webhook = data.crmWebhook;
  return <WebhookEditor key={webhook.updatedAt} webhook={webhook} onChanged={refetch} />;
}

/** Registers an endpoint; then shows its generated secret, once. */
function NewWebhook() {
  const { client, navigate, dashboard } = useCrm();
  const [values, setValues] = useState<WebhookValues>(emptyWebhook);
  const [errors, setErrors] = useState<WebhookErrors>({});
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ webhook: CrmWebhook; secret: string | null } | null>(null);

  const onCreate = async () => {
    const local = validateWebhook(values);
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      const payload = (await client.request(CrmWebhookCreate, { input: toCreateInput(values) })).crmWebhookCreate;
      if (!payload?.webhook || payload.errors.length) {
        const mapped = webhookFieldErrors(payload?.errors ?? []);
        setErrors(Object.keys(mapped).length ? mapped : { form: "The endpoint could not be added." });
        return;
      }
      void dashboard.notify("success", "Endpoint added");
      setCreated({ webhook: payload.webhook, secret: payload.secret });
    } catch (failure) {
      if (isPermissionDenied(failure)) setErrors({ form: "denied" });
      else setErrors({ form: describeError(failure).detail });
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <Box>
        <PageHeader title={endpointLabel(created.webhook)} subtitle={created.webhook.url} />
        <Box padding={6} display="flex" flexDirection="column" gap={4}>
          <SecretOnce secret={created.secret} />
          <Box>
            <Button variant="primary" size="small" onClick={() => navigate(appPaths.webhook(created.webhook.id))}>
              I saved the secret: open the endpoint
            </Button>
          </Box>
        </Box>
      </Box>
    );
  }
  return (
    <Box>
      <PageHeader
        title="New webhook endpoint"
        subtitle="Where the CRM POSTs the events you choose, signed with a secret only you and the CRM know"
        onBack={() => navigate(appPaths.webhooks())}
        backLabel={BACK}
        actions={
          <Button variant="primary" size="small" disabled={busy} onClick={() => void onCreate()}>
            {busy ? "Adding…" : "Add endpoint"}
          </Button>
        }
      />
      <Box padding={6} display="flex" flexDirection="column" gap={4}>
        {errors.form === "denied" ? (
          <WebhooksPermissionNotice />
        ) : (
          <WebhookForm values={values} errors={errors} busy={busy} onChange={(next, field) => {
            setValues(next);
            setErrors((current) => ({ ...current, [field]: undefined, form: undefined }));
          }} />
        )}
      </Box>
    </Box>
  );
}

function WebhookEditor({ webhook, onChanged }: { webhook: CrmWebhook; onChanged: () => void }) {
  const { client, navigate, dashboard, locale } = useCrm();
  const [values, setValues] = useState<WebhookValues>(() => fromWebhook(webhook));
  const [errors, setErrors] = useState<WebhookErrors>({});
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const status = endpointStatus(webhook);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } catch (failure) {
      setErrors({ form: describeError(failure).detail });
    } finally {
      setBusy(false);
      setConfirmDelete(false);
    }
  };

  const onSave = () =>
    run(async () => {
      const local = validateWebhook(values);
      setErrors(local);
      if (Object.keys(local).length) return;
      const input = toUpdateInput(values, webhook);
      if (!Object.keys(input).length) {
        void dashboard.notify("info", "Nothing to save");
        return;
      }
      const payload = (await client.request(CrmWebhookUpdate, { id: webhook.id, input })).crmWebhookUpdate;
      if (!payload?.webhook || payload.errors.length) {
        const mapped = webhookFieldErrors(payload?.errors ?? []);
        setErrors(Object.keys(mapped).length ? mapped : { form: "The endpoint could not be saved." });
        return;
      }
      void dashboard.notify("success", "Endpoint saved");
      onChanged();
    });

  const onDelete = () =>
    run(async () => {
      const payload = (await client.request(CrmWebhookDelete, { id: webhook.id })).crmWebhookDelete;
      if (!payload?.deletedId) {
        const mapped = webhookFieldErrors(payload?.errors ?? []);
        setErrors({ form: Object.values(mapped).join(" ") || "The endpoint could not be deleted." });
        return;
      }
      void dashboard.notify("success", "Endpoint deleted");
      navigate(appPaths.webhooks());
    });

  return (
    <Box>
      <PageHeader
        title={
          <Box as="span" display="flex" alignItems="center" gap={3}>
            {endpointLabel(webhook)}
            <ToneChip tone={status.tone}>{status.label}</ToneChip>
          </Box>
        }
        subtitle={`Added ${formatDateTime(webhook.createdAt, locale)}`}
        onBack={() => navigate(appPaths.webhooks())}
        backLabel={BACK}
        actions={
          confirmDelete ? (
            <>
              <Text size={2} color="default2">
                Its delivery log goes too, and what it has not received yet is dropped.
              </Text>
              <Button variant="tertiary" size="small" disabled={busy} onClick={() => setConfirmDelete(false)}>
                Keep it
              </Button>
              <Button variant="error" size="small" disabled={busy} onClick={() => void onDelete()}>
                Delete endpoint
              </Button>
            </>
          ) : (
            <>
              <Button variant="tertiary" size="small" disabled={busy} onClick={() => setConfirmDelete(true)}>
                Delete
              </Button>
              <Button variant="primary" size="small" disabled={busy} onClick={() => void onSave()}>
                {busy ? "Saving…" : "Save"}
              </Button>
            </>
          )
        }
      />
      <Box padding={6} display="flex" flexDirection="column" gap={4}>
        {isTurnedOff(webhook) && <TurnedOffNotice webhooks={[webhook]} onChanged={onChanged} />}
        <WebhookForm
          values={values}
          errors={errors}
          busy={busy}
          hasSecret={webhook.hasSecret}
          onChange={(next, field) => {
            setValues(next);
            setErrors((current) => ({ ...current, [field]: undefined, form: undefined }));
          }}
        />
        <DeliveryLog webhookId={webhook.id} />
      </Box>
    </Box>
  );
}

/** The endpoint's fields: name, URL, on or off, and the events it receives, grouped. */
export function WebhookForm({
  values,
  errors,
  busy,
  hasSecret,
  onChange,
}: {
  values: WebhookValues;
  errors: WebhookErrors;
  busy: boolean;
  /** Editing: say that the secret is set (it is never shown again). */
  hasSecret?: boolean;
  onChange: (values: WebhookValues, field: keyof WebhookValues) => void;
}) {
  const set = <K extends keyof WebhookValues>(key: K, value: WebhookValues[K]) => onChange({ ...values, [key]: value }, key);
  const toggleEvent = (event: WebhookEventType, checked: boolean) =>
    set("eventTypes", checked ? [...values.eventTypes, event] : values.eventTypes.filter((value) => value !== event));
  const field = (name: keyof WebhookErrors) => ({ error: Boolean(errors[name]), helperText: errors[name] });
  return (
    <>
      {errors.form && (
        <Box padding={3} borderRadius={3} backgroundColor="critical1" role="alert">
          <Text size={3} color="critical1">
            {errors.form}
          </Text>
        </Box>
      )}
      <Box display="grid" gap={4} __gridTemplateColumns="minmax(0, 1fr) minmax(0, 1fr)">
        <Card title="Endpoint" __minWidth="0">
          <Input size="small" label="Name (staff only, optional)" value={values.name} disabled={busy} {...field("name")} onChange={(event) => set("name", event.target.value)} />
          <Input
            size="small"
            label="URL"
            placeholder="https://example.com/crm-events"
            value={values.url}
            disabled={busy}
            error={Boolean(errors.url)}
            helperText={errors.url ?? "An http(s) URL on the public internet: the CRM refuses private and local addresses."}
            onChange={(event) => set("url", event.target.value)}
          />
          <Checkbox checked={values.isActive} disabled={busy} onCheckedChange={(checked) => set("isActive", checked === true)} aria-label="Active">
            <Text size={3}>Active: record and send events to it</Text>
          </Checkbox>
          {errors.isActive && (
            <Text size={2} color="critical1" role="alert">
              {errors.isActive}
            </Text>
          )}
          {hasSecret === undefined ? (
            <Text size={2} color="default2">
              The CRM generates a signing secret and shows it once, after you add the endpoint.
            </Text>
          ) : (
            <Input
              size="small"
              type="password"
              autoComplete="new-password"
              label="New signing secret (optional)"
              value={values.secret}
              disabled={busy}
              error={Boolean(errors.secret)}
              helperText={
                errors.secret ??
                (hasSecret
                  ? "Requests are signed (X-CRM-Signature) with the secret shown when the endpoint was added. Lost it? Set a new one here, 24 to 255 characters, and give it to your receiver."
                  : "Set a signing secret, 24 to 255 characters.")
              }
              onChange={(event) => set("secret", event.target.value)}
            />
          )}
        </Card>
        <Card title="Events" subtitle="What this endpoint receives" __minWidth="0">
          <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(220px, 1fr))">
            {EVENT_GROUPS.map((group) => (
              <Box as="fieldset" key={group.label} display="flex" flexDirection="column" gap={2} margin={0} padding={0} borderWidth={0}>
                <Box as="legend" marginBottom={2}>
                  <Text size={3} fontWeight="bold">
                    {group.label}
                  </Text>
                </Box>
                {group.events.map((event) => (
                  <Checkbox
                    key={event.value}
                    checked={values.eventTypes.includes(event.value)}
                    disabled={busy}
                    onCheckedChange={(checked) => toggleEvent(event.value, checked === true)}
                    aria-label={event.type}
                  >
                    <Box display="flex" flexDirection="column">
                      <Text size={3}>{event.label}</Text>
                      <Text size={1} color="default2" {...mono}>
                        {event.type}
                      </Text>
                    </Box>
                  </Checkbox>
                ))}
              </Box>
            ))}
          </Box>
          {errors.eventTypes && (
            <Text size={2} color="critical1" role="alert">
              {errors.eventTypes}
            </Text>
          )}
        </Card>
      </Box>
    </>
  );
}

/** The generated signing secret, with a copy button: the API returns it in the create answer only. */
export function SecretOnce({ secret }: { secret: string | null }) {
  const { dashboard } = useCrm();
  const copy = async () => {
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret);
      void dashboard.notify("success", "Secret copied");
    } catch {
      void dashboard.notify("warning", "Could not copy the secret", "Select it and copy it by hand.");
    }
  };
  if (!secret) {
    return (
      <Card title="Signing secret">
        <Text size={3}>The endpoint uses the secret it was given.</Text>
      </Card>
    );
  }
  return (
    <Card title="Signing secret" subtitle="Verify each request's X-CRM-Signature with it" data-testid="webhook-secret">
      <Box padding={3} borderRadius={3} backgroundColor="warning1" role="alert">
        <Text size={3} color="default1" fontWeight="medium">
          Copy this secret now and store it with your receiver. It will not be shown again: if it is lost, set a new
          one on the endpoint.
        </Text>
      </Box>
      <Box display="flex" alignItems="center" gap={3}>
        <Box
          as="code"
          {...mono}
          __fontSize="1.05em"
          __wordBreak="break-all"
          padding={2}
          borderRadius={3}
          backgroundColor="default1Hovered"
          data-testid="webhook-secret-value"
        >
          {secret}
        </Box>
        <Button variant="secondary" size="small" onClick={() => void copy()} aria-label="Copy the secret">
          Copy
        </Button>
      </Box>
    </Card>
  );
}
