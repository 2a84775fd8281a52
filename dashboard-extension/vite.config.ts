import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import type { Plugin as PostCssPlugin } from "postcss";
import { defineConfig } from "vitest/config";

/** Where Saleor serves the built files: the plugin's global route. */
const BASE = "/plugins/global/saleor.crm/dashboard/";
/**
 * Where the built pages carry the Content-Security-Policy nonce; the plugin
 * replaces it in every response (saleor_crm_plugin/http/security.py).
 */
const CSP_NONCE_PLACEHOLDER = "CRM_CSP_NONCE";
/** The Python package ships and serves whatever lands here. */
const DEFAULT_OUT = "../saleor_crm_plugin/static/saleor_crm_plugin/dashboard/";

/**
 * macaw-ui's stylesheet declares ~40 font files (Inter and Geist, static and
 * variable). The Dashboard look uses only "Inter var" (its `html` rule under
 * `@supports (font-variation-settings)`), so the other faces are dropped and
 * their files are neither built nor shipped with the Python package.
 */
const KEEP_FONT_FAMILIES = new Set(["Inter var"]);
const onlyUsedFontFaces: PostCssPlugin = {
  postcssPlugin: "crm-only-used-font-faces",
  // `Once` runs before Vite's URL rewriting (also `Once`), so dropped faces
  // never have their files emitted.
  Once(root) {
    root.walkAtRules("font-face", (rule) => {
      let family: string | undefined;
      rule.walkDecls("font-family", (decl) => {
        family = decl.value.replace(/["']/g, "").trim();
      });
      if (family && !KEEP_FONT_FAMILIES.has(family)) rule.remove();
    });
  },
};

export default defineConfig({
  base: BASE,
  plugins: [react()],
  css: { postcss: { plugins: [onlyUsedFontFaces] } },
  // A `<meta property="csp-nonce">` for what injects styles at run time.
  html: { cspNonce: CSP_NONCE_PLACEHOLDER },
  build: {
    outDir: resolve(__dirname, process.env.CRM_DASHBOARD_OUT || DEFAULT_OUT),
    // The output folder belongs to this build alone.
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2021",
    // macaw-ui ships as one module (~92 kB gzipped) and does not tree-shake;
    // the charts are split off into the lazily loaded Overview chunk.
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      // The extension, and GraphiQL (from npm, pinned), served by the plugin
      // at GET /graphql/ so it needs no CDN and works offline.
      input: {
        extension: resolve(__dirname, "index.html"),
        graphiql: resolve(__dirname, "graphiql/index.html"),
      },
      // Both pages share React: one chunk named for it.
      output: { manualChunks: { react: ["react", "react-dom", "react-dom/client", "react/jsx-runtime"] } },
    },
  },
  server: {
    port: 5173,
    // `npm run dev` talks to `./scripts/demo` through the same path the
    // plugin serves in Saleor, so the client code is identical.
    proxy: {
      "/plugins/global/saleor.crm/graphql": {
        target: process.env.CRM_API_ORIGIN || "http://127.0.0.1:8000",
        changeOrigin: true,
      },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    restoreMocks: true,
    testTimeout: 20000,
  },
});
