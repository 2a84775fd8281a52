import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { renderWithCrm } from "../../test/render";
import { CrmApiError } from "../core/graphql-client";
import type { ProfileRead } from "./graphql/types";
import { ProfileReads } from "./ProfileReads";
import { readerLabel, tokenMayReadAudit } from "./reads";

function read(overrides: Partial<ProfileRead>): ProfileRead {
  return {
    id: "R1",
    kind: "VIEW",
    readerKind: "STAFF",
    user: "VXNlcjoz",
    userEmail: "sam@shop.example",
    userName: "Sam Staff",
    app: null,
    systemUser: null,
    readAt: "2026-12-01T10:00:00+00:00",
    ...overrides,
  };
}

function page(reads: ProfileRead[], hasNextPage = false) {
  return {
    customerProfile: {
      id: "P1",
      reads: {
        totalCount: reads.length,
        pageInfo: { hasNextPage, endCursor: hasNextPage ? "c1" : null },
        edges: reads.map((node) => ({ node })),
      },
    },
  };
}

function token(claims: Record<string, unknown>): string {
  const body = btoa(JSON.stringify(claims)).replace(/=+$/, "");
  return `e30.${body}.sig`;
}

describe("ProfileReads", () => {
  it("lists who opened or exported the profile, newest first", async () => {
    const { request } = renderWithCrm(<ProfileReads profileId="P1" />, () =>
      page([
        read({ id: "R1", kind: "EXPORT" }),
        read({ id: "R2", readerKind: "APP", user: null, userEmail: null, userName: null, app: "QXBwOjc=" }),
        read({ id: "R3", readerKind: "COMMAND", user: null, userEmail: null, userName: null, systemUser: "root" }),
      ]),
    );

    expect(await screen.findByText("Sam Staff (sam@shop.example)")).toBeTruthy();
    expect(screen.getByText("Who opened this profile")).toBeTruthy();
    const lines = screen.getAllByRole("listitem").map((item) => item.textContent);
    expect(lines[0]).toContain("Sam Staff (sam@shop.example)");
    expect(lines[0]).toContain("Exported the customer's data");
    expect(lines[1]).toContain("An app");
    expect(lines[1]).toContain("Opened the profile");
    expect(lines[2]).toContain("Server command (root)");
    const [document, variables] = request.mock.calls[0] ?? [];
    expect(document?.operationName).toBe("CustomerProfileReads");
    expect(variables).toEqual({ id: "P1" });
  });

  it("loads the next page on request", async () => {
    const { request } = renderWithCrm(<ProfileReads profileId="P1" />, (_, variables) =>
      (variables as { after?: string }).after
        ? page([read({ id: "R9", userName: "Older Reader", userEmail: null })])
        : page([read({ id: "R1" })], true),
    );

    fireEvent.click(await screen.findByRole("button", { name: "Show more" }));

    expect(await screen.findByText("Older Reader")).toBeTruthy();
    expect(request).toHaveBeenLastCalledWith(expect.anything(), { id: "P1", after: "c1" });
    expect(screen.queryByRole("button", { name: "Show more" })).toBeNull();
  });

  it("shows nothing to staff without MANAGE_STAFF (the field is denied)", async () => {
    const { container, request } = renderWithCrm(<ProfileReads profileId="P1" />, () => ({
      customerProfile: { id: "P1", reads: null },
    }));

    await waitFor(() => expect(request).toHaveBeenCalled());
    await waitFor(() => expect(container.textContent).toBe(""));
  });

  it("shows nothing when the whole request is refused", async () => {
    const { container, request } = renderWithCrm(<ProfileReads profileId="P1" />, () => {
      throw new CrmApiError("permission-denied", "You need one of the following permissions: MANAGE_STAFF");
    });

    await waitFor(() => expect(request).toHaveBeenCalled());
    await waitFor(() => expect(container.textContent).toBe(""));
  });
});

describe("tokenMayReadAudit", () => {
  it("reads the permissions a Dashboard token lists", () => {
    expect(tokenMayReadAudit(token({ permissions: ["MANAGE_USERS", "MANAGE_STAFF"] }))).toBe(true);
    expect(tokenMayReadAudit(token({ permissions: ["MANAGE_USERS"] }))).toBe(false);
    expect(tokenMayReadAudit(token({ user_id: "VXNlcjoz" }))).toBeUndefined();
    expect(tokenMayReadAudit(undefined)).toBeUndefined();
  });
});

describe("readerLabel", () => {
  it("names a staff member whose account is gone without guessing", () => {
    expect(readerLabel(read({ userEmail: null, userName: null }))).toBe("A former staff member");
    expect(readerLabel(read({ userName: null }))).toBe("sam@shop.example");
  });
});
