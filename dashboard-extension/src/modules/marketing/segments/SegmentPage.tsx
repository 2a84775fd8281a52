import { Box, Button, Input, Text, Textarea } from "@saleor/macaw-ui";
import { useEffect, useMemo, useState } from "react";

import { displayName, formatDate, formatNumber } from "../../core/format";
import { describeError } from "../../core/graphql-client";
import { appPaths } from "../../core/routes";
import { Card } from "../../core/ui/Card";
import { PageHeader } from "../../core/ui/PageHeader";
import { ErrorState, LinesSkeleton } from "../../core/ui/States";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import { StageChip } from "../../customers/components";
import { useDebouncedValue } from "../../customers/list/useDebouncedValue";
import {
  MarketingSegmentCreate,
  MarketingSegmentDelete,
  MarketingSegmentDetails,
  MarketingSegmentPreview,
  MarketingSegmentUpdate,
} from "../graphql/documents";
import type {
  MarketingError,
  MarketingSegmentDetailsData,
  SegmentMember,
  SegmentPreviewData,
} from "../graphql/types";
import { RuleBuilder } from "./RuleBuilder";
import {
  MAX_CONDITIONS,
  fromRules,
  newCondition,
  newGroup,
  placeErrors,
  toRulesInput,
  treeSize,
  validateRules,
  type RuleErrors,
  type RuleGroup,
} from "./rules";

/** How long typing pauses before the live count is asked again. */
export const PREVIEW_DEBOUNCE_MS = 400;

/** A segment's page: name, rules with the live count and a sample, save / delete, members. */
export function SegmentPage({ segmentId }: { segmentId: string }) {
  const isNew = segmentId === "new";
  const { data, error, loading, refetch } = useCrmQuery(
    MarketingSegmentDetails,
    { id: segmentId, first: 20 },
    { skip: isNew },
  );
  const { navigate } = useCrm();
  const back = () => navigate(appPaths.marketing());
  if (!isNew && error && !loading) {
    return (
      <Box>
        <PageHeader title="Segment" onBack={back} backLabel="Back to marketing" />
        <Box padding={6}>
          <ErrorState error={error} onRetry={refetch} />
        </Box>
      </Box>
    );
  }
  if (!isNew && !data) {
    return (
      <Box>
        <PageHeader title="Segment" onBack={back} backLabel="Back to marketing" />
        <Box padding={6}>
          <LinesSkeleton lines={6} />
        </Box>
      </Box>
    );
  }
  if (!isNew && !data?.segment) {
    return (
      <Box>
        <PageHeader title="Segment not found" onBack={back} backLabel="Back to marketing" />
        <Box padding={6}>
          <Text>It was deleted, or the link is wrong.</Text>
        </Box>
      </Box>
    );
  }
  const segment = data?.segment ?? undefined;
  return (
    <SegmentEditor
      key={segment?.updatedAt ?? "new"}
      segment={segment}
      members={segment?.members ?? undefined}
      onSaved={refetch}
    />
  );
}

type Saved = NonNullable<MarketingSegmentDetailsData["segment"]>;

type FormErrors = { name?: string; description?: string; form?: string; rules: RuleErrors };

function SegmentEditor({
  segment,
  members,
  onSaved,
}: {
  segment?: Saved;
  members?: Saved["members"];
  onSaved: () => void;
}) {
  const { client, navigate, dashboard, locale } = useCrm();
  const [name, setName] = useState(segment?.name ?? "");
  const [description, setDescription] = useState(segment?.description ?? "");
  const [root, setRoot] = useState<RuleGroup>(() =>
    segment ? fromRules(segment.rules) : newGroup("ALL", [newCondition("LAST_ORDER_AT")]),
  );
  const [errors, setErrors] = useState<FormErrors>({ rules: {} });
  const [saving, setSaving] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);

  const local = useMemo(() => validateRules(root), [root]);
  const rulesKey = JSON.stringify(toRulesInput(root));
  const debouncedKey = useDebouncedValue(rulesKey, PREVIEW_DEBOUNCE_MS);
  const preview = useSegmentPreview(debouncedKey, Object.keys(local).length === 0);
  const stale = debouncedKey !== rulesKey || preview.loading;

  // Server problems belong to the rules they were about; an edit makes them stale.
  const serverRuleErrors = useMemo(
    () => (preview.data && debouncedKey === rulesKey ? placeErrors(root, preview.data.errors) : {}),
    [preview.data, debouncedKey, rulesKey, root],
  );
  const shownRuleErrors: RuleErrors = { ...serverRuleErrors, ...local, ...errors.rules };

  const save = async () => {
    const problems = validateRules(root);
    const next: FormErrors = { rules: problems };
    if (!name.trim()) next.name = "Give the segment a name.";
    setErrors(next);
    if (next.name || Object.keys(problems).length) return;
    setSaving(true);
    try {
      const input = { name: name.trim(), description: description.trim(), rules: toRulesInput(root) };
      const payload = segment
        ? (await client.request(MarketingSegmentUpdate, { id: segment.id, input })).segmentUpdate
        : (await client.request(MarketingSegmentCreate, { input })).segmentCreate;
      if (!payload?.segment || payload.errors.length) {
        setErrors(segmentFormErrors(root, payload?.errors ?? []));
        return;
      }
      void dashboard.notify("success", segment ? "Segment saved" : "Segment created");
      if (segment) onSaved();
      else navigate(appPaths.segment(payload.segment.id));
    } catch (failure) {
      setErrors({ rules: {}, form: describeError(failure).detail });
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    if (!segment) return;
    setSaving(true);
    try {
      const payload = (await client.request(MarketingSegmentDelete, { id: segment.id })).segmentDelete;
      if (!payload?.deletedId) {
        setErrors({ rules: {}, form: payload?.errors[0]?.message ?? "The segment could not be deleted." });
        return;
      }
      void dashboard.notify("success", "Segment deleted");
      navigate(appPaths.marketing());
    } catch (failure) {
      setErrors({ rules: {}, form: describeError(failure).detail });
    } finally {
      setSaving(false);
    }
  };

  const size = treeSize(root);
  return (
    <Box>
      <PageHeader
        title={segment ? segment.name : "New segment"}
        subtitle={segment ? `Changed ${formatDate(segment.updatedAt, locale)}` : "Rules over your customers, counted live"}
        onBack={() => navigate(appPaths.marketing())}
        backLabel="Back to marketing"
        actions={
          <>
            {segment &&
              (confirmDelete ? (
                <>
                  <Button variant="tertiary" size="small" disabled={saving} onClick={() => setConfirmDelete(false)}>
                    Keep it
                  </Button>
                  <Button variant="error" size="small" disabled={saving} onClick={() => void remove()}>
                    Delete segment
                  </Button>
                </>
              ) : (
                <Button variant="tertiary" size="small" disabled={saving} onClick={() => setConfirmDelete(true)}>
                  Delete
                </Button>
              ))}
            <Button variant="primary" size="small" disabled={saving} onClick={() => void save()}>
              {saving ? "Saving…" : segment ? "Save" : "Create segment"}
            </Button>
          </>
        }
      />
      <Box padding={6} display="grid" gap={4} __gridTemplateColumns="minmax(0, 2fr) minmax(260px, 1fr)">
        <Box display="flex" flexDirection="column" gap={4} __minWidth="0">
          <Card title="Segment">
            <Input
              size="small"
              label="Name"
              value={name}
              disabled={saving}
              error={Boolean(errors.name)}
              helperText={errors.name}
              onChange={(event) => setName(event.target.value)}
            />
            <Textarea
              label="What it is for"
              rows={2}
              value={description}
              disabled={saving}
              error={Boolean(errors.description)}
              helperText={errors.description}
              onChange={(event) => setDescription(event.target.value)}
            />
            {errors.form && (
              <Text size={2} color="critical1" role="alert">
                {errors.form}
              </Text>
            )}
          </Card>
          <Card
            title="Rules"
            subtitle={`${size.conditions} of at most ${MAX_CONDITIONS} conditions`}
            data-testid="rule-builder"
          >
            <RuleBuilder
              root={root}
              errors={shownRuleErrors}
              disabled={saving}
              onChange={(next) => {
                setRoot(next);
                setErrors((current) => ({ ...current, rules: {} }));
              }}
            />
          </Card>
          {segment && members && <MembersCard segmentId={segment.id} initial={members} />}
        </Box>
        <Box __minWidth="0">
          <LiveCount preview={preview} stale={stale} invalid={Object.keys(local).length > 0} />
        </Box>
      </Box>
    </Box>
  );
}

/** Mutation errors by where the form shows them: name, description, a rule, or the form. */
export function segmentFormErrors(root: RuleGroup, errors: ReadonlyArray<MarketingError>): FormErrors {
  const result: FormErrors = { rules: {} };
  const ruleErrors: MarketingError[] = [];
  for (const error of errors) {
    const message = error.message || "This value is not valid.";
    if (error.field === "name") result.name = message;
    else if (error.field === "description") result.description = message;
    else if (error.field?.startsWith("rules")) ruleErrors.push(error);
    else result.form = result.form ? `${result.form} ${message}` : message;
  }
  result.rules = placeErrors(root, ruleErrors);
  return result;
}

interface PreviewState {
  data?: NonNullable<SegmentPreviewData["segmentPreview"]>;
  error?: unknown;
  loading: boolean;
}

/** The live count of the rules in `rulesKey` (JSON of SegmentRulesInput); only asked when `enabled`. */
function useSegmentPreview(rulesKey: string, enabled: boolean): PreviewState {
  const { client } = useCrm();
  const [state, setState] = useState<PreviewState>({ loading: enabled });
  useEffect(() => {
    if (!enabled) {
      setState((previous) => ({ ...previous, loading: false }));
      return;
    }
    const controller = new AbortController();
    setState((previous) => ({ data: previous.data, loading: true }));
    client.request(MarketingSegmentPreview, { rules: JSON.parse(rulesKey) }, controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data: data.segmentPreview ?? undefined, loading: false });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState((previous) => ({ data: previous.data, error, loading: false }));
      },
    );
    return () => controller.abort();
  }, [client, rulesKey, enabled]);
  return state;
}

function LiveCount({ preview, stale, invalid }: { preview: PreviewState; stale: boolean; invalid: boolean }) {
  const { navigate, locale } = useCrm();
  const count = preview.data?.count;
  return (
    <Card title="Customers now" subtitle="Counted live as you edit the rules" data-testid="segment-live-count">
      {preview.error && !preview.loading ? (
        <ErrorState error={preview.error} compact />
      ) : invalid ? (
        <Text size={3} color="default2">
          Fix the rules marked in red to see who they select.
        </Text>
      ) : (
        <Box display="flex" flexDirection="column" gap={3} __opacity={stale ? "0.6" : "1"} aria-busy={stale}>
          <Text size={11} fontWeight="bold" data-testid="segment-count">
            {count == null ? (preview.data ? "—" : "…") : formatNumber(count, locale)}
          </Text>
          {preview.data && preview.data.errors.length > 0 && (
            <Text size={2} color="critical1">
              The rules have problems, marked on them.
            </Text>
          )}
          {preview.data && preview.data.sample.length > 0 && (
            <Box display="flex" flexDirection="column" gap={1}>
              <Text size={2} color="default2">
                For example
              </Text>
              {preview.data.sample.map((customer) => (
                <Box
                  key={customer.id}
                  as="button"
                  type="button"
                  textAlign="left"
                  __backgroundColor="transparent"
                  borderWidth={0}
                  padding={0}
                  cursor="pointer"
                  onClick={() => navigate(appPaths.profile(customer.id))}
                >
                  <Text size={3} color="accent1">
                    {displayName(customer)}
                  </Text>
                </Box>
              ))}
            </Box>
          )}
        </Box>
      )}
    </Card>
  );
}

function MembersCard({ segmentId, initial }: { segmentId: string; initial: NonNullable<Saved["members"]> }) {
  const { client, navigate, locale } = useCrm();
  const [pages, setPages] = useState<SegmentMember[][]>([initial.edges.map((edge) => edge.node)]);
  const [cursor, setCursor] = useState(initial.pageInfo.hasNextPage ? initial.pageInfo.endCursor : null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();
  const more = async () => {
    if (!cursor) return;
    setLoading(true);
    try {
      const data = await client.request(MarketingSegmentDetails, { id: segmentId, first: 20, after: cursor });
      const next = data.segment?.members;
      if (next) {
        setPages((current) => [...current, next.edges.map((edge) => edge.node)]);
        setCursor(next.pageInfo.hasNextPage ? next.pageInfo.endCursor : null);
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setLoading(false);
    }
  };
  const members = pages.flat();
  return (
    <Card
      title="Members"
      subtitle={initial.totalCount != null ? `${formatNumber(initial.totalCount, locale)} customers, most recent buyers first` : undefined}
      data-testid="segment-members"
    >
      {members.length === 0 ? (
        <Text size={3} color="default2">
          Nobody matches these rules now.
        </Text>
      ) : (
        <Box as="ul" display="flex" flexDirection="column" margin={0} padding={0}>
          {members.map((member) => (
            <Box
              as="li"
              key={member.id}
              display="flex"
              justifyContent="space-between"
              alignItems="center"
              gap={3}
              paddingY={2}
              borderBottomWidth={1}
              borderBottomStyle="solid"
              borderColor="default1"
              cursor="pointer"
              onClick={() => navigate(appPaths.profile(member.id))}
            >
              <Box display="flex" flexDirection="column" __minWidth="0">
                <Text size={3} fontWeight="medium" ellipsis>
                  {displayName(member)}
                </Text>
                <Text size={2} color="default2" ellipsis>
                  {member.email}
                </Text>
              </Box>
              <Box display="flex" gap={3} alignItems="center">
                <Text size={2} color="default2">
                  {member.lastOrderAt ? `Last order ${formatDate(member.lastOrderAt, locale)}` : "No order yet"}
                </Text>
                <StageChip stage={member.lifecycleStage} />
              </Box>
            </Box>
          ))}
        </Box>
      )}
      {error ? <ErrorState error={error} compact onRetry={() => void more()} /> : null}
      {cursor && (
        <Box>
          <Button variant="secondary" size="small" disabled={loading} onClick={() => void more()}>
            {loading ? "Loading…" : "Show more"}
          </Button>
        </Box>
      )}
    </Card>
  );
}
