import { describe, expect, it } from "vitest";
import { findLiteral, scanHclBlocks } from "./locate";

describe("scanHclBlocks", () => {
  it("finds top-level blocks past comments, strings and heredocs holding braces", () => {
    const text = `# target "commented" {
variable "X" { default = "}" }
FOO = { a = "b" }
target "app" {
  // } not the end
  dockerfile-inline = <<EOT
FROM alpine
RUN echo "}"
EOT
  tags = ["ghcr.io/acme/app:\${X}"]
}
target app2 {
}
`;
    const blocks = scanHclBlocks(text);
    expect(blocks.map((b) => [b.kind, b.name])).toEqual([
      ["variable", "X"],
      ["target", "app"],
      ["target", "app2"],
    ]);
    const app = blocks[1];
    expect(text.slice(app.start, app.end).endsWith('"]\n}')).toBe(true);
    const f = findLiteral(text, app, "ghcr.io/acme/app:${X}", app.start);
    expect(f && text.slice(f.offset, f.endOffset)).toBe("ghcr.io/acme/app:${X}");
  });
});
