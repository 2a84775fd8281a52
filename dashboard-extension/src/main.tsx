import "@saleor/macaw-ui/style";
import "./global.css";

import { AppBridge } from "@saleor/app-sdk/app-bridge";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./App";
import { applyStyleNonce } from "./modules/core/csp-nonce";
import { connectTokens, createDashboardActions, crmEndpoint, tokenSource } from "./modules/core/dashboard-bridge";
import { CrmClient } from "./modules/core/graphql-client";
import { HashRouter } from "./modules/core/hash-router";
import { parseLaunchLocation, themeFromParams } from "./modules/core/launch-params";
import { appPageSubPath } from "./modules/core/routes";
import { TokenStore } from "./modules/core/token-store";

applyStyleNonce();

const launch = parseLaunchLocation(window.location.search, window.location.hash);
const theme = themeFromParams(launch.params);

// Development only: `npm run dev` opens the page outside the Dashboard, so a
// staff token can come from `?token=`. Production builds drop this branch.
const devToken = import.meta.env.DEV ? (launch.params.get("token") ?? undefined) : undefined;
const tokens = new TokenStore(devToken);

// The Dashboard's query string may sit inside our hash route, where AppBridge
// does not look: hand it what it needs explicitly.
const saleorApiUrl = launch.params.get("saleorApiUrl");
const appBridge = new AppBridge({
  ...(saleorApiUrl ? { saleorApiUrl } : {}),
  ...(theme ? { initialTheme: theme } : {}),
});
connectTokens(appBridge, tokens);

const client = new CrmClient({ endpoint: crmEndpoint(), tokens: tokenSource(tokens) });

// On the app page inside the Dashboard (which passes the App's `id`), the
// Dashboard's address leads, so pages can be reloaded and linked to; widgets
// and popups keep their route to themselves.
const appId = launch.params.get("id");
const onAppPage = Boolean(appId) && appPageSubPath(launch.path) !== undefined;
const dashboard = createDashboardActions(appBridge, { appId });
const router = new HashRouter({ window, openInDashboard: onAppPage ? dashboard.routeAppPage : undefined });

const root = document.getElementById("root");
if (!root) throw new Error("No #root element");
createRoot(root).render(
  <StrictMode>
    <App appBridge={appBridge} client={client} params={launch.params} router={router} initialTheme={theme} />
  </StrictMode>,
);
