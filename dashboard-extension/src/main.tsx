import "@saleor/macaw-ui/style";
import "./global.css";

import { AppBridge } from "@saleor/app-sdk/app-bridge";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./App";
import { connectTokens, crmEndpoint, tokenSource } from "./modules/core/dashboard-bridge";
import { CrmClient } from "./modules/core/graphql-client";
import { parseLaunchLocation, themeFromParams } from "./modules/core/launch-params";
import { TokenStore } from "./modules/core/token-store";

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

const root = document.getElementById("root");
if (!root) throw new Error("No #root element");
createRoot(root).render(
  <StrictMode>
    <App appBridge={appBridge} client={client} params={launch.params} initialTheme={theme} />
  </StrictMode>,
);
