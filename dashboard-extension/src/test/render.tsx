import { ThemeProvider } from "@saleor/macaw-ui";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { vi } from "vitest";

import { CrmProvider, type CrmContextValue } from "../modules/core/crm-context";
import type { DashboardActions } from "../modules/core/dashboard-bridge";
import type { CrmClient, TypedDocument } from "../modules/core/graphql-client";

type Handler = (operationName: string, variables: unknown) => unknown;

export interface RenderOptions {
  /** Answers Saleor's own API (staff names); without it there is no Saleor client. */
  saleor?: Handler;
  /** The staff member's Saleor User ID in the token. */
  userId?: string;
}

/** Renders inside the providers the views expect, with a scripted client. */
export function renderWithCrm(
  ui: ReactElement,
  handler: Handler,
  params = new URLSearchParams(),
  options: RenderOptions = {},
) {
  const request = vi.fn(async (document: TypedDocument<unknown, unknown>, variables?: unknown) =>
    handler(document.operationName, variables),
  );
  const saleorHandler = options.saleor;
  const saleorRequest = vi.fn(async (document: TypedDocument<unknown, unknown>, variables?: unknown) =>
    saleorHandler?.(document.operationName, variables),
  );
  const dashboard: DashboardActions = {
    redirect: vi.fn(async () => true),
    openOrder: vi.fn(async () => true),
    openCustomer: vi.fn(async () => true),
    openAppPage: vi.fn(async () => true),
    routeAppPage: vi.fn(async () => true),
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
    saleor: saleorHandler ? ({ request: saleorRequest } as unknown as CrmClient) : undefined,
    currentUserId: async () => options.userId,
  };
  const result = render(
    <ThemeProvider>
      <CrmProvider value={value}>{ui}</CrmProvider>
    </ThemeProvider>,
  );
  return { ...result, request, saleorRequest, dashboard, navigate };
}
