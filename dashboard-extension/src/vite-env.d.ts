/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Development only: CRM GraphQL URL when not served by the plugin. */
  readonly VITE_CRM_API_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
