import { describe, expect, it } from "vitest";
import { spanAt } from "./span";

describe("spanAt", () => {
  it("gives 1-based line and column", () => {
    const text = "a: 1\nbb: 2\r\nccc: 3\n";
    expect(spanAt("f", text, 0, 1)).toMatchObject({ line: 1, column: 1 });
    expect(spanAt("f", text, text.indexOf("bb"), text.indexOf("bb") + 2)).toMatchObject({ line: 2, column: 1 });
    expect(spanAt("f", text, text.indexOf("3"), text.indexOf("3") + 1)).toMatchObject({ line: 3, column: 6 });
  });
  it("clamps out-of-range offsets", () => {
    const s = spanAt("f", "abc", 10, 20);
    expect([s.offset, s.endOffset]).toEqual([3, 3]);
  });
});
