import { setNonce } from "get-nonce";

/**
 * The page's Content-Security-Policy allows styles from our own files and,
 * for what components inject at run time (Radix's scroll lock, through
 * react-style-singleton), the nonce the server puts in this response's
 * `<meta property="csp-nonce">` (Vite's `html.cspNonce`). Scripts never get
 * a nonce: they come from our files only.
 */
export function pageNonce(doc: Document = document): string | undefined {
  const meta = doc.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]');
  // Browsers hide a nonce attribute's value once parsed; the property keeps it.
  const nonce = meta?.nonce || meta?.getAttribute("nonce") || "";
  return nonce && nonce !== "CRM_CSP_NONCE" ? nonce : undefined;
}

/** Injected `<style>` elements carry the page's nonce. */
export function applyStyleNonce(doc: Document = document): void {
  const nonce = pageNonce(doc);
  if (nonce) setNonce(nonce);
}
