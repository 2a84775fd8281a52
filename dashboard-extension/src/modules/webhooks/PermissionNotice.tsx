import { Box, Text } from "@saleor/macaw-ui";

import { CrmApiError } from "../core/graphql-client";
import { Card } from "../core/ui/Card";

export const GRANT_COMMAND = "python manage.py crm_install_dashboard --api-url … --grant-manage-apps";

/** The API refused the operation itself (PERMISSION_DENIED), not a field of it. */
export function isPermissionDenied(error: unknown): boolean {
  return error instanceof CrmApiError && error.kind === "permission-denied";
}

const code = { __fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", __fontSize: "0.92em" } as const;

/**
 * Why the Webhooks tab is empty for this token: webhooks need MANAGE_APPS,
 * which the CRM's Dashboard App holds only when installed with
 * `--grant-manage-apps` (and the staff member must hold it too: Saleor gives
 * the page the App's permissions that the staff member has).
 */
export function WebhooksPermissionNotice() {
  return (
    <Card title="Webhooks need the Manage apps permission" data-testid="webhooks-permission-denied">
      <Text size={3}>
        Webhook endpoints receive your customers' data, so the CRM lets only staff who may manage apps (Saleor's{" "}
        <Box as="code" {...code}>
          MANAGE_APPS
        </Box>
        , the permission for its own webhooks) and customers (
        <Box as="code" {...code}>
          MANAGE_USERS
        </Box>
        ) register them or read their delivery log.
      </Text>
      <Box as="ul" display="flex" flexDirection="column" gap={2} margin={0} paddingLeft={5}>
        <Box as="li">
          <Text size={3}>
            Your staff account needs <strong>Manage apps</strong> (Dashboard: Configuration → Permission groups).
          </Text>
        </Box>
        <Box as="li">
          <Text size={3}>
            The CRM's Dashboard App needs it as well. It does not hold it unless it was installed with the opt-in
            flag, because it then lets the CRM page's tokens manage Saleor's apps too. Whoever runs the store
            installs it with:
          </Text>
          <Box
            as="pre"
            marginTop={2}
            marginBottom={0}
            padding={3}
            borderRadius={3}
            backgroundColor="default1Hovered"
            overflowX="auto"
            data-testid="grant-command"
            {...code}
          >
            {GRANT_COMMAND}
          </Box>
        </Box>
      </Box>
      <Text size={2} color="default2">
        Reload this page after the permission is granted.
      </Text>
    </Card>
  );
}
