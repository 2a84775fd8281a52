import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { renderWithCrm } from "../../test/render";
import { SegmentChip, StageChip } from "./components";

describe("stage and segment chips", () => {
  it("tell a lifecycle stage and an RFM segment of the same name apart", () => {
    renderWithCrm(
      <>
        <StageChip stage="LOYAL" />
        <SegmentChip segment="LOYAL" stage="LOYAL" />
      </>,
      () => ({}),
    );
    expect(screen.getByText("Loyal")).toBeTruthy();
    expect(screen.getByText("RFM: Loyal")).toBeTruthy();
  });

  it("keep the segment's own name when the stage reads differently", () => {
    renderWithCrm(<SegmentChip segment="CHAMPIONS" stage="ACTIVE" />, () => ({}));
    expect(screen.getByText("Champions")).toBeTruthy();
  });
});
