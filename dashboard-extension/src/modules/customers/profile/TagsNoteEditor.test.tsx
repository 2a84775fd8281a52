import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { renderWithCrm } from "../../../test/render";
import { TagsNoteEditor } from "./TagsNoteEditor";

describe("TagsNoteEditor", () => {
  it("saves tags and note with customerProfileUpdate and tells the Dashboard", async () => {
    const onSaved = vi.fn();
    const { request, dashboard } = renderWithCrm(
      <TagsNoteEditor profileId="P1" tags={["vip"]} note="" onSaved={onSaved} />,
      () => ({
        customerProfileUpdate: { profile: { id: "P1", tags: ["vip", "wholesale"], note: "Calls on Mondays" }, errors: [] },
      }),
    );
    fireEvent.change(screen.getByLabelText("Add tags"), { target: { value: "wholesale" } });
    fireEvent.change(screen.getByLabelText("Note"), { target: { value: "Calls on Mondays" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(request).toHaveBeenCalledWith(expect.objectContaining({ operationName: "CustomerProfileUpdate" }), {
      id: "P1",
      input: { tags: ["vip", "wholesale"], note: "Calls on Mondays" },
    });
    expect(dashboard.notify).toHaveBeenCalledWith("success", "Customer profile saved");
  });

  it("shows the mutation's field errors next to the fields", async () => {
    renderWithCrm(<TagsNoteEditor profileId="P1" tags={[]} note="" />, () => ({
      customerProfileUpdate: {
        profile: null,
        errors: [
          { field: "tags", code: "INVALID", message: "Tags are at most 100 characters." },
          { field: "id", code: "NOT_FOUND", message: "Couldn't resolve to a customer profile." },
        ],
      },
    }));
    fireEvent.change(screen.getByLabelText("Add tags"), { target: { value: "vip" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByText("Tags are at most 100 characters.")).toBeTruthy();
    expect(screen.getByRole("alert").textContent).toBe("Couldn't resolve to a customer profile.");
  });

  it("checks the backend's limits before sending", async () => {
    const { request } = renderWithCrm(<TagsNoteEditor profileId="P1" tags={[]} note="" />, () => ({}));
    fireEvent.change(screen.getByLabelText("Add tags"), { target: { value: "x".repeat(101) } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Tags are at most 100 characters.")).toBeTruthy();
    expect(request).not.toHaveBeenCalled();
  });

  it("adds a tag on comma and removes it with its button", () => {
    renderWithCrm(<TagsNoteEditor profileId="P1" tags={[]} note="" />, () => ({}));
    fireEvent.change(screen.getByLabelText("Add tags"), { target: { value: "vip," } });
    expect(screen.getByText("vip")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Remove tag vip" }));
    expect(screen.queryByText("vip")).toBeNull();
  });
});
