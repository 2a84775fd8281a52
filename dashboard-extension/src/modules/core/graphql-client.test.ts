import { describe, expect, it, vi } from "vitest";

import { CrmApiError, CrmClient, describeError, typedDocument, type TokenSource } from "./graphql-client";

const Doc = typedDocument<{ ping: string }, { id: string }>("query Ping($id: ID!) { ping(id: $id) }");

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function tokens(current: string | undefined, refreshed?: string): TokenSource {
  return {
    current: vi.fn(async () => current),
    refreshed: vi.fn(async () => refreshed),
  };
}

function client(fetchImpl: typeof fetch, source: TokenSource = tokens("t1"), timeoutMs?: number) {
  return new CrmClient({ endpoint: "https://shop.test/plugins/global/saleor.crm/graphql/", tokens: source, fetch: fetchImpl, timeoutMs });
}

async function failure(promise: Promise<unknown>): Promise<CrmApiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CrmApiError);
  return error as CrmApiError;
}

describe("typedDocument", () => {
  it("names the operation and appends fragments", () => {
    const doc = typedDocument("query List { a { ...F } }", "fragment F on A { b }");
    expect(doc.operationName).toBe("List");
    expect(doc.query).toContain("fragment F on A");
  });

  it("refuses anonymous operations", () => {
    expect(() => typedDocument("{ a }")).toThrow(/named/);
  });
});

describe("CrmClient", () => {
  it("POSTs the operation with the bearer token and returns data", async () => {
    const fetchImpl = vi.fn(async () => json({ data: { ping: "pong" } }));
    const data = await client(fetchImpl as unknown as typeof fetch).request(Doc, { id: "1" });
    expect(data).toEqual({ ping: "pong" });
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("https://shop.test/plugins/global/saleor.crm/graphql/");
    expect(init.method).toBe("POST");
    expect((init.headers as Record<string, string>).Authorization).toBe("Bearer t1");
    expect(JSON.parse(init.body as string)).toEqual({
      query: Doc.query,
      operationName: "Ping",
      variables: { id: "1" },
    });
  });

  it("fails as unauthenticated without a token, without calling the server", async () => {
    const fetchImpl = vi.fn();
    const error = await failure(client(fetchImpl as unknown as typeof fetch, tokens(undefined)).request(Doc, { id: "1" }));
    expect(error.kind).toBe("unauthenticated");
    expect(fetchImpl).not.toHaveBeenCalled();
  });

  it("reports network failures", async () => {
    const fetchImpl = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    const error = await failure(client(fetchImpl as unknown as typeof fetch).request(Doc, { id: "1" }));
    expect(error.kind).toBe("network");
    expect(error.message).toMatch(/reach the CRM/);
  });

  it("gives up on a server that does not answer in time", async () => {
    const fetchImpl = vi.fn(
      (_url: string, init: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          init.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
        }),
    );
    const error = await failure(client(fetchImpl as unknown as typeof fetch, tokens("t1"), 10).request(Doc, { id: "1" }));
    expect(error.kind).toBe("network");
    expect(error.message).toMatch(/in time/);
  });

  it("retries once with the refreshed token after a 401", async () => {
    const fetchImpl = vi
      .fn()
      .mockResolvedValueOnce(
        json({ errors: [{ message: "Signature has expired.", extensions: { exception: { code: "ExpiredSignatureError" } } }] }, 401),
      )
      .mockResolvedValueOnce(json({ data: { ping: "pong" } }));
    const source = tokens("old", "new");
    const data = await client(fetchImpl as unknown as typeof fetch, source).request(Doc, { id: "1" });
    expect(data).toEqual({ ping: "pong" });
    expect(source.refreshed).toHaveBeenCalledWith("old");
    const secondInit = fetchImpl.mock.calls[1]?.[1] as RequestInit;
    expect((secondInit.headers as Record<string, string>).Authorization).toBe("Bearer new");
  });

  it("reports a 401 when no fresh token arrives", async () => {
    const fetchImpl = vi.fn(async () =>
      json({ errors: [{ message: "Invalid token.", extensions: { exception: { code: "InvalidTokenError" } } }] }, 401),
    );
    const error = await failure(client(fetchImpl as unknown as typeof fetch, tokens("old")).request(Doc, { id: "1" }));
    expect(error.kind).toBe("unauthenticated");
    expect(error.codes).toEqual(["InvalidTokenError"]);
    expect(fetchImpl).toHaveBeenCalledTimes(1);
  });

  it("maps PermissionDenied in the errors array to permission-denied", async () => {
    const fetchImpl = vi.fn(async () =>
      json({
        data: { ping: null },
        errors: [
          {
            message: "You need one of the following permissions: MANAGE_USERS",
            extensions: { exception: { code: "PermissionDenied" } },
          },
        ],
      }),
    );
    const error = await failure(client(fetchImpl as unknown as typeof fetch).request(Doc, { id: "1" }));
    expect(error.kind).toBe("permission-denied");
    expect(describeError(error).title).toMatch(/access/);
  });

  it("returns the data when only fields below the operation were denied", async () => {
    // As the CRM answers staff without MANAGE_ORDERS: order figures are null.
    const denied = (field: string) => ({
      message: "You need one of the following permissions: MANAGE_ORDERS",
      path: ["customerProfile", field],
      extensions: { exception: { code: "PermissionDenied" } },
    });
    const fetchImpl = vi.fn(async () =>
      json({
        data: { customerProfile: { email: "ann@example.com", totalSpent: null, ordersCount: null } },
        errors: [denied("totalSpent"), denied("ordersCount")],
      }),
    );
    const data = await client(fetchImpl as unknown as typeof fetch).request(Doc, { id: "1" });
    expect(data).toEqual({ customerProfile: { email: "ann@example.com", totalSpent: null, ordersCount: null } });
  });

  it("fails when a denied field comes with another error", async () => {
    const fetchImpl = vi.fn(async () =>
      json({
        data: { customerProfile: { totalSpent: null, timeline: null } },
        errors: [
          {
            message: "You need one of the following permissions: MANAGE_ORDERS",
            path: ["customerProfile", "totalSpent"],
            extensions: { exception: { code: "PermissionDenied" } },
          },
          { message: "Invalid cursor.", path: ["customerProfile", "timeline"], extensions: { exception: { code: "GraphQLError" } } },
        ],
      }),
    );
    const error = await failure(client(fetchImpl as unknown as typeof fetch).request(Doc, { id: "1" }));
    expect(error.kind).toBe("graphql");
    expect(error.message).toBe("Invalid cursor.");
  });

  it("maps other GraphQL errors to graphql with their messages and codes", async () => {
    const fetchImpl = vi.fn(async () =>
      json({
        data: null,
        errors: [
          { message: "Requesting 500 records exceeds the limit.", extensions: { exception: { code: "GraphQLError" } } },
          { message: "Second problem." },
        ],
      }),
    );
    const error = await failure(client(fetchImpl as unknown as typeof fetch).request(Doc, { id: "1" }));
    expect(error.kind).toBe("graphql");
    expect(error.message).toBe("Requesting 500 records exceeds the limit.\nSecond problem.");
    expect(error.codes).toEqual(["GraphQLError"]);
  });

  it("reports HTTP errors with the server's message when it sent one", async () => {
    const fetchImpl = vi.fn(async () =>
      json({ errors: [{ message: "No CRM endpoint at /x.", extensions: { exception: { code: "NotFound" } } }] }, 404),
    );
    const error = await failure(client(fetchImpl as unknown as typeof fetch).request(Doc, { id: "1" }));
    expect(error.kind).toBe("http");
    expect(error.status).toBe(404);
    expect(error.message).toBe("No CRM endpoint at /x.");
  });

  it("reports non-JSON answers, such as a proxy's error page", async () => {
    const fetchImpl = vi.fn(async () => new Response("<html>Bad gateway</html>", { status: 502 }));
    const error = await failure(client(fetchImpl as unknown as typeof fetch).request(Doc, { id: "1" }));
    expect(error.kind).toBe("http");
    expect(error.message).toMatch(/HTTP 502/);

    const okButHtml = vi.fn(async () => new Response("<html></html>", { status: 200 }));
    const second = await failure(client(okButHtml as unknown as typeof fetch).request(Doc, { id: "1" }));
    expect(second.kind).toBe("http");
    expect(second.message).toMatch(/not JSON/);
  });

  it("treats a 403 as permission denied", async () => {
    const fetchImpl = vi.fn(async () => new Response("", { status: 403 }));
    const error = await failure(client(fetchImpl as unknown as typeof fetch).request(Doc, { id: "1" }));
    expect(error.kind).toBe("permission-denied");
  });

  it("reports a response without data", async () => {
    const fetchImpl = vi.fn(async () => json({ data: null }));
    const error = await failure(client(fetchImpl as unknown as typeof fetch).request(Doc, { id: "1" }));
    expect(error.kind).toBe("graphql");
  });
});
