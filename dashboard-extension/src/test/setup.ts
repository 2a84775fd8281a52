import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// findBy*/waitFor give up after 1 s by default: too short on a loaded
// two-core CI machine, where one render can take that long.
configure({ asyncUtilTimeout: 5000 });

// Testing Library unmounts on its own only when test globals are on.
afterEach(() => cleanup());
