import { describe, expect, it } from "vitest";
import { tokenizeScript, type Command } from "./tokenize";

function commands(script: string, env: Record<string, string> = {}): string[][] {
  const out: Command[] = [];
  const gen = tokenizeScript(script, { lookup: (n) => env[n] });
  for (let r = gen.next(); !r.done; r = gen.next()) out.push(r.value);
  return out.map((c) => c.words.map((w) => w.text));
}

describe("tokenizeScript", () => {
  it("joins \\ continuations and keeps offsets of the raw characters", () => {
    const script = 'docker buildx build \\\n  --tag "ghcr.io/o/a:1" \\\n  --push .\n';
    const gen = tokenizeScript(script, { lookup: () => undefined });
    const first = gen.next();
    expect(first.done).toBe(false);
    if (first.done) return;
    const words = first.value.words;
    expect(words.map((w) => w.text)).toEqual(["docker", "buildx", "build", "--tag", "ghcr.io/o/a:1", "--push", "."]);
    for (const w of words) expect(script.slice(w.start, w.end)).toBe(w.raw);
    expect(words[4].raw).toBe('"ghcr.io/o/a:1"');
  });

  it("splits on ; && || | and newlines, skips comments, redirections and here-documents", () => {
    const script = [
      "echo a && docker pull x:1 || true; ls | wc -l # docker run nope",
      "cat <<EOF > out.txt",
      "docker run not-a-command",
      "EOF",
      "docker build . 2>&1 >/dev/null",
    ].join("\n");
    expect(commands(script)).toEqual([
      ["echo", "a"],
      ["docker", "pull", "x:1"],
      ["true"],
      ["ls"],
      ["wc", "-l"],
      ["cat"],
      ["docker", "build", "."],
    ]);
  });

  it("expands known variables, keeps ${{ }} whole and makes run-time values opaque", () => {
    const env = { IMAGE: "ghcr.io/o/a" };
    expect(commands('docker build -t $IMAGE:${TAG} -t "${IMAGE}:${{ github.sha }}" -t x:$(git rev-parse HEAD) \'$IMAGE\'', env)).toEqual([
      ["docker", "build", "-t", "ghcr.io/o/a:${{ env.TAG }}", "-t", "ghcr.io/o/a:${{ github.sha }}", "-t", "x:${{ shell($(git rev-parse HEAD)) }}", "$IMAGE"],
    ]);
    expect(commands("echo ${X:-fallback}")).toEqual([["echo", "fallback"]]);
  });
});
