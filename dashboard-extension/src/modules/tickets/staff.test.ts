import { describe, expect, it, vi } from "vitest";

import { CrmApiError } from "../core/graphql-client";
import { isUserGlobalId, loadStaff, staffDirectory, staffFallbackLabel, staffName } from "./staff";

const ANNA = { id: btoa("User:12"), email: "anna@shop.example", firstName: "Anna", lastName: "Nowak" };
const ME = btoa("User:7");

describe("staff IDs and names", () => {
  it("recognises Saleor User IDs", () => {
    expect(isUserGlobalId(btoa("User:1597"))).toBe(true);
    expect(isUserGlobalId(btoa("Order:1"))).toBe(false);
    expect(isUserGlobalId("demo-staff")).toBe(false);
    expect(isUserGlobalId(undefined)).toBe(false);
  });

  it("names staff, falling back to the email and then a short ID", () => {
    expect(staffName(ANNA)).toBe("Anna Nowak");
    expect(staffName({ ...ANNA, firstName: "", lastName: " " })).toBe("anna@shop.example");
    expect(staffFallbackLabel(btoa("User:1597"))).toBe("Staff #1597");
    expect(staffFallbackLabel(btoa("User:5a0e5c9c-0000-4000"))).toBe("Staff #5a0e5c9c…");
  });
});

describe("staffDirectory", () => {
  it("uses names when Saleor gave them and marks the signed-in member", () => {
    const staff = staffDirectory([ANNA, { ...ANNA, id: ME, firstName: "Tom", lastName: "" }], ME, { loading: false });
    expect(staff.nameOf(ANNA.id)).toBe("Anna Nowak");
    expect(staff.nameOf(ME)).toBe("Tom (you)");
    expect(staff.nameOf(null)).toBe("Unassigned");
  });

  it("shows 'You' and IDs without Saleor's list", () => {
    const staff = staffDirectory([], ME, { loading: false, unavailable: "permission" });
    expect(staff.nameOf(ME)).toBe("You");
    expect(staff.nameOf(btoa("User:3"))).toBe("Staff #3");
    expect(staff.knows(btoa("User:3"))).toBe(false);
  });
});

describe("loadStaff", () => {
  it("reads staffUsers from Saleor's API", async () => {
    const saleor = { request: vi.fn(async () => ({ staffUsers: { edges: [{ node: ANNA }] } })) };
    await expect(loadStaff(saleor as never)).resolves.toEqual({ users: [ANNA] });
    await loadStaff(saleor as never);
    expect(saleor.request).toHaveBeenCalledTimes(1);
  });

  it("falls back when the app may not see staff (no MANAGE_STAFF)", async () => {
    const saleor = {
      request: vi.fn(async () => {
        throw new CrmApiError("permission-denied", "You need one of the following permissions: MANAGE_STAFF");
      }),
    };
    await expect(loadStaff(saleor as never)).resolves.toEqual({ users: [], unavailable: "permission" });
  });

  it("tries again after a passing failure", async () => {
    const saleor = {
      request: vi
        .fn()
        .mockRejectedValueOnce(new CrmApiError("network", "offline"))
        .mockResolvedValueOnce({ staffUsers: { edges: [] } }),
    };
    await expect(loadStaff(saleor as never)).resolves.toEqual({ users: [], unavailable: "error" });
    await expect(loadStaff(saleor as never)).resolves.toEqual({ users: [] });
  });

  it("has nothing to ask without Saleor's API URL", async () => {
    await expect(loadStaff(undefined)).resolves.toEqual({ users: [], unavailable: "no-api" });
  });
});
