/**
 * GraphiQL for the CRM's endpoint, built with the extension into the Python
 * package and opened by `GET /plugins/global/saleor.crm/graphql/`: every file
 * it needs is served by the plugin (no CDN), under the same strict CSP.
 */
import "graphiql/graphiql.css";
import "./page.css";

import { GraphiQL } from "graphiql";
import { type ComponentProps, StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { applyStyleNonce } from "../modules/core/csp-nonce";

type Fetcher = ComponentProps<typeof GraphiQL>["fetcher"];

applyStyleNonce();

// The page is served at the endpoint's own address.
const endpoint = window.location.pathname;

const fetcher: Fetcher = async (params, options) => {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json", ...options?.headers },
    body: JSON.stringify(params),
  });
  return response.json();
};

const root = document.getElementById("graphiql");
if (!root) throw new Error("No #graphiql element");
createRoot(root).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      defaultEditorToolsVisibility="headers"
      defaultHeaders={'{\n  "Authorization": "Bearer <staff token>"\n}'}
    />
  </StrictMode>,
);
