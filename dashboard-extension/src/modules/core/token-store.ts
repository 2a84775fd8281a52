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
 * Seconds until a JWT's `exp`, or undefined when the token is not a JWT or
 * has no expiry. Only reads the claims; the server verifies the signature.
 */
export function secondsUntilExpiry(token: string, nowMs: number = Date.now()): number | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp - nowMs / 1000 : undefined;
  } catch {
    return undefined;
  }
}
