/**
 * A small typed GraphQL client for the CRM endpoint.
 *
 * Every failure becomes a {@link CrmApiError} with a `kind` the UI can act on:
 * the Dashboard user lacks a permission, the token is missing or expired, the
 * network failed, the server answered with an HTTP error, or the operation
 * returned GraphQL `errors`. One kind of error is not a failure: a field the
 * user may not see (PermissionDenied at a path below the operation's own
 * field, as the CRM answers for order figures without MANAGE_ORDERS) comes
 * back as null in the data, and the rest of the result is returned.
 */

/** An operation document with its result and variable types attached. */
export interface TypedDocument<TData, TVariables> {
  readonly query: string;
  readonly operationName: string;
  /** Phantom fields: carry the types, never set. */
  readonly __data?: TData;
  readonly __variables?: TVariables;
}

export type ResultOf<T> = T extends TypedDocument<infer D, unknown> ? D : never;
export type VariablesOf<T> = T extends TypedDocument<unknown, infer V> ? V : never;

/** Builds a typed document from operation text and the fragments it spreads. */
export function typedDocument<TData, TVariables = Record<string, never>>(
  source: string,
  ...fragments: string[]
): TypedDocument<TData, TVariables> {
  const match = /\b(?:query|mutation)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(source);
  if (!match?.[1]) {
    throw new Error("A typed document needs one named query or mutation.");
  }
  return { query: [source, ...fragments].join("\n"), operationName: match[1] };
}

export interface GraphQLErrorShape {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { exception?: { code?: string } } & Record<string, unknown>;
}

export type CrmErrorKind =
  | "permission-denied"
  | "unauthenticated"
  | "network"
  | "http"
  | "graphql";

export class CrmApiError extends Error {
  readonly kind: CrmErrorKind;
  readonly status?: number;
  readonly graphqlErrors: GraphQLErrorShape[];

  constructor(
    kind: CrmErrorKind,
    message: string,
    options: { status?: number; graphqlErrors?: GraphQLErrorShape[]; cause?: unknown } = {},
  ) {
    super(message);
    this.name = "CrmApiError";
    this.kind = kind;
    this.status = options.status;
    this.graphqlErrors = options.graphqlErrors ?? [];
    if (options.cause !== undefined) {
      (this as { cause?: unknown }).cause = options.cause;
    }
  }

  /** Saleor-style error codes (`extensions.exception.code`) of the response. */
  get codes(): string[] {
    return this.graphqlErrors
      .map((error) => error.extensions?.exception?.code)
      .filter((code): code is string => typeof code === "string");
  }
}

export interface TokenSource {
  /** The token to send; waits briefly for the handshake if none yet. */
  current(): Promise<string | undefined>;
  /** A token other than `stale`, once the Dashboard has refreshed it. */
  refreshed(stale: string): Promise<string | undefined>;
}

export interface CrmClientOptions {
  endpoint: string;
  tokens: TokenSource;
  fetch?: typeof fetch;
  /** Abort a request after this long. */
  timeoutMs?: number;
}

const PERMISSION_DENIED = "PermissionDenied";

export class CrmClient {
  private readonly endpoint: string;
  private readonly tokens: TokenSource;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: CrmClientOptions) {
    this.endpoint = options.endpoint;
    this.tokens = options.tokens;
    this.fetchImpl = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** A client for another GraphQL API that takes the same token (Saleor's own). */
  withEndpoint(endpoint: string): CrmClient {
    return new CrmClient({
      endpoint,
      tokens: this.tokens,
      fetch: this.fetchImpl,
      timeoutMs: this.timeoutMs,
    });
  }

  /** The token requests are sent with (waits briefly for the handshake). */
  token(): Promise<string | undefined> {
    return this.tokens.current();
  }

  async request<TData, TVariables>(
    document: TypedDocument<TData, TVariables>,
    variables?: TVariables,
    signal?: AbortSignal,
  ): Promise<TData> {
    const token = await this.tokens.current();
    if (!token) {
      throw new CrmApiError(
        "unauthenticated",
        "No access token from the Saleor Dashboard. Open this page from the Dashboard.",
      );
    }
    try {
      return await this.send(document, variables, token, signal);
    } catch (error) {
      // An expired token: the Dashboard refreshes tokens on its own schedule,
      // so wait for the next one and try once more.
      if (error instanceof CrmApiError && error.kind === "unauthenticated") {
        const fresh = await this.tokens.refreshed(token);
        if (fresh) return this.send(document, variables, fresh, signal);
      }
      throw error;
    }
  }

  private async send<TData, TVariables>(
    document: TypedDocument<TData, TVariables>,
    variables: TVariables | undefined,
    token: string,
    signal?: AbortSignal,
  ): Promise<TData> {
    const controller = new AbortController();
    const abort = () => controller.abort();
    signal?.addEventListener("abort", abort);
    const timer = setTimeout(abort, this.timeoutMs);
    let response: Response;
    try {
      response = await this.fetchImpl(this.endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          Authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({
          query: document.query,
          operationName: document.operationName,
          variables: variables ?? {},
        }),
        signal: controller.signal,
      });
    } catch (cause) {
      const message = signal?.aborted
        ? "The request was cancelled."
        : controller.signal.aborted
          ? "The CRM did not answer in time."
          : "Could not reach the CRM. Check your connection and try again.";
      throw new CrmApiError("network", message, { cause });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
    }

    const body = await readJson(response);
    const errors = Array.isArray(body?.errors) ? (body.errors as GraphQLErrorShape[]) : [];

    if (response.status === 401) {
      throw new CrmApiError("unauthenticated", firstMessage(errors) ?? "Your session has expired.", {
        status: 401,
        graphqlErrors: errors,
      });
    }
    // A denied field is null in the data; a denied operation fails.
    const failures = errors.filter((error) => !isDeniedField(error));
    if (response.status === 403 || hasCode(failures, PERMISSION_DENIED)) {
      throw new CrmApiError(
        "permission-denied",
        firstMessage(failures) ?? "You do not have permission to see this.",
        { status: response.status, graphqlErrors: errors },
      );
    }
    if (!response.ok) {
      throw new CrmApiError(
        "http",
        firstMessage(errors) ?? `The CRM answered with HTTP ${response.status}.`,
        { status: response.status, graphqlErrors: errors },
      );
    }
    if (body === undefined) {
      throw new CrmApiError("http", "The CRM sent a response that is not JSON.", {
        status: response.status,
      });
    }
    if (failures.length > 0) {
      throw new CrmApiError("graphql", failures.map((error) => error.message).join("\n"), {
        status: response.status,
        graphqlErrors: errors,
      });
    }
    if (body.data === null || body.data === undefined) {
      throw new CrmApiError("graphql", "The CRM returned no data.", { status: response.status });
    }
    return body.data as TData;
  }
}

async function readJson(
  response: Response,
): Promise<{ data?: unknown; errors?: unknown } | undefined> {
  try {
    const parsed: unknown = await response.json();
    return parsed && typeof parsed === "object" ? (parsed as { data?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

/** PermissionDenied on a field below the operation's own (root) field. */
function isDeniedField(error: GraphQLErrorShape): boolean {
  return error.extensions?.exception?.code === PERMISSION_DENIED && (error.path?.length ?? 0) > 1;
}

function hasCode(errors: GraphQLErrorShape[], code: string): boolean {
  return errors.some((error) => error.extensions?.exception?.code === code);
}

function firstMessage(errors: GraphQLErrorShape[]): string | undefined {
  return errors.find((error) => error.message)?.message;
}

/** A message for people: what went wrong and what they can do. */
export function describeError(error: unknown): { title: string; detail: string } {
  if (error instanceof CrmApiError) {
    switch (error.kind) {
      case "permission-denied":
        return {
          title: "You don't have access",
          detail: `${error.message} Ask a store owner for the "Manage customers" permission.`,
        };
      case "unauthenticated":
        return { title: "Not signed in", detail: error.message };
      case "network":
        return { title: "Connection problem", detail: error.message };
      case "http":
        return { title: "The CRM is unavailable", detail: error.message };
      case "graphql":
        return { title: "Something went wrong", detail: error.message };
    }
  }
  return {
    title: "Something went wrong",
    detail: error instanceof Error ? error.message : String(error),
  };
}
