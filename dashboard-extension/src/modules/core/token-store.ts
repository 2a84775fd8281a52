/**
 * Holds the Dashboard token. The Dashboard sends one in the handshake and a
 * fresh one with `tokenRefresh` before it expires (extension tokens live five
 * minutes); requests read the current token at send time, and a request that
 * was refused with an expired token waits here for the next one.
 */
export class TokenStore {
  private token: string | undefined;
  private readonly listeners = new Set<(token: string) => void>();

  constructor(initial?: string) {
    this.token = initial || undefined;
  }

  get(): string | undefined {
    return this.token;
  }

  set(token: string): void {
    if (!token || token === this.token) return;
    this.token = token;
    for (const listener of [...this.listeners]) listener(token);
  }

  subscribe(listener: (token: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The current token, or the first one to arrive within `timeoutMs`. */
  waitForToken(timeoutMs: number): Promise<string | undefined> {
    if (this.token) return Promise.resolve(this.token);
    return this.waitFor(() => true, timeoutMs);
  }

  /** A token other than `stale`, or undefined if none arrives within `timeoutMs`. */
  waitForRefresh(stale: string, timeoutMs: number): Promise<string | undefined> {
    if (this.token && this.token !== stale) return Promise.resolve(this.token);
    return this.waitFor((token) => token !== stale, timeoutMs);
  }

  private waitFor(accept: (token: string) => boolean, timeoutMs: number) {
    return new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => {
        unsubscribe();
        resolve(undefined);
      }, timeoutMs);
      const unsubscribe = this.subscribe((token) => {
        if (!accept(token)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(token);
      });
    });
  }
}

/**
 * The claims of a JWT, or undefined when the token is not one. Only reads
 * them; the server verifies the signature.
 */
export function jwtClaims(token: string | undefined): Record<string, unknown> | undefined {
  const payload = token?.split(".")[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
    const json = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
    const claims: unknown = JSON.parse(json);
    return claims && typeof claims === "object" && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Seconds until a JWT's `exp`, or undefined when the token is not a JWT or
 * has no expiry. Only reads the claims; the server verifies the signature.
 */
export function secondsUntilExpiry(token: string, nowMs: number = Date.now()): number | undefined {
  const exp = jwtClaims(token)?.exp;
  return typeof exp === "number" ? exp - nowMs / 1000 : undefined;
}

/** The staff member's Saleor User ID: Dashboard tokens carry it as `user_id`. */
export function userIdFromToken(token: string | undefined): string | undefined {
  const id = jwtClaims(token)?.user_id;
  return typeof id === "string" && id ? id : undefined;
}
