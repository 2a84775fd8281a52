import { ThemeProvider } from "@saleor/macaw-ui";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { vi } from "vitest";

import { CrmProvider, type CrmContextValue } from "../modules/core/crm-context";
import type { DashboardActions } from "../modules/core/dashboard-bridge";
import type { CrmClient, TypedDocument } from "../modules/core/graphql-client";

type Handler = (operationName: string, variables: unknown) => unknown;

/** Renders inside the providers the views expect, with a scripted client. */
export function renderWithCrm(ui: ReactElement, handler: Handler, params = new URLSearchParams()) {
  const request = vi.fn(async (document: TypedDocument<unknown, unknown>, variables?: unknown) =>
    handler(document.operationName, variables),
  );
  const dashboard: DashboardActions = {
    redirect: vi.fn(async () => true),
    openOrder: vi.fn(async () => true),
    openCustomer: vi.fn(async () => true),
    notify: vi.fn(async () => true),
    closePopup: vi.fn(async () => true),
  };
  const navigate = vi.fn();
  const value: CrmContextValue = {
    client: { request } as unknown as CrmClient,
    dashboard,
    params,
    locale: "en-US",
    navigate,
  };
  const result = render(
    <ThemeProvider>
      <CrmProvider value={value}>{ui}</CrmProvider>
    </ThemeProvider>,
  );
  return { ...result, request, dashboard, navigate };
}
