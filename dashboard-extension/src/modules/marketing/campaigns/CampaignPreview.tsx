import { Box, Select, Text, type Option } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";

import { displayName } from "../../core/format";
import { Card } from "../../core/ui/Card";
import { ErrorState } from "../../core/ui/States";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import { useDebouncedValue } from "../../customers/list/useDebouncedValue";
import { MarketingCampaignPreview, MarketingSegmentDetails } from "../graphql/documents";
import type { CampaignInput, CampaignPreviewData } from "../graphql/types";
import { variantLabel } from "./report";

const FIRST_MEMBER = "__first__";

/**
 * The email as one real customer of the segment would get it, rendered by
 * the server (campaignPreview) and shown in an iframe with every sandbox
 * flag off: no script, no form, no navigation, an opaque origin.
 */
export function CampaignPreview({
  campaignId,
  input,
  variants,
}: {
  campaignId?: string;
  /** The editor's unsaved fields; the saved campaign's are used without them. */
  input?: CampaignInput;
  variants: number;
}) {
  const { client } = useCrm();
  const segment = input?.segment ?? "";
  const members = useCrmQuery(MarketingSegmentDetails, { id: segment, first: 10 }, { skip: !segment });
  const [customer, setCustomer] = useState(FIRST_MEMBER);
  const [variant, setVariant] = useState(0);
  const key = JSON.stringify({ campaignId, input, customer, variant });
  const debounced = useDebouncedValue(key, 600);
  const [state, setState] = useState<{ data?: CampaignPreviewData["campaignPreview"]; error?: unknown; loading: boolean }>({
    loading: true,
  });

  useEffect(() => {
    const asked = JSON.parse(debounced) as { campaignId?: string; input?: CampaignInput; customer: string; variant: number };
    if (!asked.input?.segment && !asked.campaignId) return;
    const controller = new AbortController();
    setState((previous) => ({ data: previous.data, loading: true }));
    client
      .request(
        MarketingCampaignPreview,
        {
          ...(asked.campaignId ? { id: asked.campaignId } : {}),
          ...(asked.input ? { input: asked.input } : {}),
          ...(asked.customer !== FIRST_MEMBER ? { customer: asked.customer } : {}),
          variant: asked.variant,
        },
        controller.signal,
      )
      .then(
        (data) => !controller.signal.aborted && setState({ data: data.campaignPreview, loading: false }),
        (error: unknown) =>
          !controller.signal.aborted && setState((previous) => ({ data: previous.data, error, loading: false })),
      );
    return () => controller.abort();
  }, [client, debounced]);

  const memberOptions: Option[] = [
    { value: FIRST_MEMBER, label: "First member of the segment" },
    ...(members.data?.segment?.members?.edges ?? []).map(({ node }) => ({
      value: node.id,
      label: displayName(node) === node.email ? node.email : `${displayName(node)} · ${node.email}`,
    })),
  ];
  const variantOptions: Option[] = Array.from({ length: variants + 1 }, (_, position) => ({
    value: String(position),
    label: variantLabel(position),
  }));
  const preview = state.data;
  const problems = preview?.errors ?? [];
  return (
    <Card title="Preview" subtitle="Rendered for a real customer of the segment; links are not tracked" data-testid="campaign-preview">
      <Box display="grid" gap={2} __gridTemplateColumns="minmax(0, 2fr) minmax(0, 1fr)">
        <Select
          size="small"
          label="Customer"
          options={memberOptions}
          value={memberOptions.find((option) => option.value === customer) ?? memberOptions[0]!}
          onChange={(option: Option) => setCustomer(option.value)}
        />
        {variants > 0 ? (
          <Select
            size="small"
            label="Variant"
            options={variantOptions}
            value={variantOptions[variant] ?? variantOptions[0]!}
            onChange={(option: Option) => setVariant(Number(option.value))}
          />
        ) : (
          <Box />
        )}
      </Box>
      {!segment && !campaignId ? (
        <Text size={3} color="default2">
          Choose a segment to preview the email for one of its customers.
        </Text>
      ) : state.error && !state.loading ? (
        <ErrorState error={state.error} compact />
      ) : problems.length > 0 ? (
        <Box display="flex" flexDirection="column" gap={1} role="alert">
          {problems.map((problem, index) => (
            <Text key={index} size={2} color="critical1">
              {problem.field ? `${problem.field}: ` : ""}
              {problem.message}
            </Text>
          ))}
        </Box>
      ) : preview?.html != null ? (
        <Box display="flex" flexDirection="column" gap={2} __opacity={state.loading ? "0.6" : "1"} aria-busy={state.loading}>
          <Text size={3}>
            <Text size={3} color="default2">
              Subject:{" "}
            </Text>
            <Text size={3} fontWeight="bold" data-testid="campaign-preview-subject">
              {preview.subject}
            </Text>
          </Text>
          <Box
            as="iframe"
            title="Email preview"
            // Every restriction on: the email is shown, never run.
            sandbox=""
            srcDoc={preview.html}
            width="100%"
            __height="460px"
            borderWidth={1}
            borderStyle="solid"
            borderColor="default1"
            borderRadius={3}
            // Emails are written for a white page, in both Dashboard themes.
            __backgroundColor="#fff"
            data-testid="campaign-preview-frame"
          />
        </Box>
      ) : (
        <Text size={3} color="default2">
          {state.loading ? "Rendering…" : "Nothing to preview yet."}
        </Text>
      )}
    </Card>
  );
}
