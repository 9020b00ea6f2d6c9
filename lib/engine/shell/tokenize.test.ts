import { describe, expect, it } from "vitest";
import { applyPositional } from "./positional";
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

function run(script: string, args?: string[], env: Record<string, string> = {}): Command[] {
  const out: Command[] = [];
  const gen = tokenizeScript(script, { lookup: (n) => env[n], ...(args ? { args } : {}) });
  for (let r = gen.next(); !r.done; r = gen.next()) out.push(r.value);
  return out;
}
const words = (c: Command) => c.words.map((w) => w.text);

describe("positional parameters", () => {
  it("expands $1…, ${10}, defaults and $# from the arguments of the call", () => {
    const args = ["ghcr.io/o/a", "test", "", "4", "5", "6", "7", "8", "9", "ten"];
    const [c] = run('docker build -t "$1:$2" -t ${3:-fallback} -t ${3-kept} -t ${11:-none} -t ${10} -t $# -t $11 .', args);
    expect(words(c)).toEqual(["docker", "build", "-t", "ghcr.io/o/a:test", "-t", "fallback", "-t", "", "-t", "none", "-t", "ten", "-t", "10", "-t", "ghcr.io/o/a1", "."]);
  });

  it('gives one word per argument for "$@" and $@, one joined word for "$*", each at the $@ characters', () => {
    const script = 'docker build "$@" x$@y "$*"';
    const [c] = run(script, ["-t", "a b", "."]);
    expect(words(c)).toEqual(["docker", "build", "-t", "a b", ".", "x-t", "a b", ".y", "-t a b ."]);
    for (const w of c.words.slice(2, 5)) expect(script.slice(w.start, w.end)).toBe('"$@"');
    expect(words(run('docker build "$@" .', [])[0])).toEqual(["docker", "build", "."]);
    expect(words(run('echo "" "$*"', [])[0])).toEqual(["echo", "", ""]);
  });

  it("keeps them opaque without arguments, as before", () => {
    expect(words(run('docker build -t "$1" "$@"')[0])).toEqual(["docker", "build", "-t", "${{ shell($1) }}", "${{ shell($@) }}"]);
  });

  it("reads the arguments lazily, so shift and set -- between commands take effect", () => {
    const args = ["a", "b", "c"];
    const seen: string[][] = [];
    const gen = tokenizeScript('echo $1\nshift\necho $1 $#\nshift 2\necho "$@" $#\nset -- x "y z"\necho "$2"\nset -euo pipefail\necho $1', { lookup: () => undefined, args });
    for (let r = gen.next(); !r.done; r = gen.next()) {
      if (!applyPositional(r.value.words, args)) seen.push(words(r.value));
    }
    expect(seen).toEqual([["echo", "a"], ["echo", "b", "2"], ["echo", "0"], ["echo", "y z"], ["echo", "x"]]);
  });
});

describe("redirections and control operators", () => {
  it("keeps each redirection's operator, descriptor and target while the words stay the same", () => {
    const script = 'echo "tag=1" >> "$GITHUB_OUTPUT" 2>&1 < in.txt &>/dev/null';
    const [c] = run(script);
    expect(words(c)).toEqual(["echo", "tag=1"]);
    expect(c.redirects.map((r) => [r.op, r.fd ?? null, r.target.raw])).toEqual([
      [">>", null, '"$GITHUB_OUTPUT"'],
      [">&", 2, "1"],
      ["<", null, "in.txt"],
      ["&>", null, "/dev/null"],
    ]);
    expect(c.redirects[0].target.text).toBe("${{ env.GITHUB_OUTPUT }}");
    expect(script.slice(c.redirects[0].target.start, c.redirects[0].target.end)).toBe('"$GITHUB_OUTPUT"');
  });

  it("records here-document delimiters and says what ended each command", () => {
    const cmds = run("cat <<'EOF' > out\nbody\nEOF\necho a | tee -a f && b || c; d & e");
    expect(cmds.map((c) => [words(c).join(" "), c.op ?? null])).toEqual([
      ["cat", "\n"],
      ["echo a", "|"],
      ["tee -a f", "&&"],
      ["b", "||"],
      ["c", ";"],
      ["d", "&"],
      ["e", null],
    ]);
    expect(cmds[0].redirects.map((r) => [r.op, r.target.text])).toEqual([["<<", "EOF"], [">", "out"]]);
  });

  it("expands nested defaults, which used to stop at the first }", () => {
    expect(words(run("echo ${TAG:-${DEFAULT:-latest}} ${A:-'x y'}")[0])).toEqual(["echo", "latest", "x y"]);
  });
});
