import { describe, expect, it } from "vitest";
import { recognize, type DockerCommand } from "./commands";
import { tokenizeScript } from "./tokenize";

function cmd(script: string): DockerCommand | null {
  const r = tokenizeScript(script, { lookup: () => undefined }).next();
  return r.done ? null : recognize(r.value.words);
}

const texts = (ws: Array<{ text: string }>) => ws.map((w) => w.text);

describe("recognize", () => {
  it("reads every tag and cache flag form of docker buildx build", () => {
    const c = cmd("sudo docker buildx build -t a:1 --tag b:2 --tag=c:3 -td:4 --cache-to=type=gha --cache-to type=registry,ref=e:c --cache-from f:c --push -o type=image,name=g:5,push=true .");
    expect(c?.kind).toBe("build");
    if (c?.kind !== "build") return;
    expect(texts(c.tags)).toEqual(["a:1", "b:2", "c:3", "d:4"]);
    expect(texts(c.cacheTo)).toEqual(["type=gha", "type=registry,ref=e:c"]);
    expect(texts(c.cacheFrom)).toEqual(["f:c"]);
    expect(texts(c.outputs)).toEqual(["type=image,name=g:5,push=true"]);
    expect(c.push).toBe(true);
    expect(c.tags[2]).toMatchObject({ raw: "c:3" });
  });

  it("knows docker build, docker image build and buildctl build", () => {
    expect(cmd("docker build -t a .")?.kind).toBe("build");
    expect(cmd("docker image build -t a .")?.kind).toBe("build");
    const b = cmd("buildctl --addr tcp://x build --frontend dockerfile.v0 --output type=image,name=a:1,push=true --export-cache type=registry,ref=a:cache");
    expect(b?.kind === "build" && texts(b.cacheTo)).toEqual(["type=registry,ref=a:cache"]);
    expect(b?.kind === "build" && texts(b.outputs)).toEqual(["type=image,name=a:1,push=true"]);
    // imagetools create pushes its -t tags (the merge step of multi-platform builds); it builds nothing.
    const it = cmd("docker buildx imagetools create -t a:1 --tag=a:latest -f desc.json a@sha256:1 a@sha256:2");
    expect(it?.kind === "build" && [it.tool, it.push, texts(it.tags), it.cacheTo.length]).toEqual(["imagetools", true, ["a:1", "a:latest"], 0]);
    // …and reads its sources as images (a source tag holding a cache breaks the merge); `-f` is a file.
    expect(it?.kind === "build" && texts(it.sources)).toEqual(["a@sha256:1", "a@sha256:2"]);
    expect(cmd("docker buildx build -t a .")).toMatchObject({ sources: [] });
    expect(cmd("docker buildx imagetools create --dry-run -t a b")).toBeNull();
    expect(cmd("docker buildx imagetools inspect a")).toBeNull();
  });

  it("reads docker buildx bake files, targets and --set", () => {
    const c = cmd("docker buildx bake -f docker-bake.hcl --file=extra.hcl --set *.cache-to=type=gha --push app worker");
    expect(c?.kind).toBe("bake");
    if (c?.kind !== "bake") return;
    expect(texts(c.files)).toEqual(["docker-bake.hcl", "extra.hcl"]);
    expect(texts(c.targets)).toEqual(["app", "worker"]);
    expect(texts(c.set)).toEqual(["*.cache-to=type=gha"]);
    expect(c.push).toBe(true);
  });

  it("finds the image of docker run/create/pull past options that take values", () => {
    const image = (s: string) => {
      const c = cmd(s);
      return c?.kind === "consume" ? `${c.consumer.replace("docker-", "")} ${c.images.map((w) => w.text).join(" ")}` : null;
    };
    expect(image("docker run --rm -it -e A=1 -v /a:/b --name x --platform linux/amd64 --entrypoint sh ghcr.io/o/a:test -c 'echo'")).toBe("run ghcr.io/o/a:test");
    expect(image("docker run -d --network=host -p 80:80 nginx")).toBe("run nginx");
    expect(image("docker container create -w /src ghcr.io/o/a:1")).toBe("create ghcr.io/o/a:1");
    expect(image("docker pull --platform linux/arm64 ghcr.io/o/a:cache")).toBe("pull ghcr.io/o/a:cache");
    expect(image("docker image pull -q alpine")).toBe("pull alpine");
    expect(image("docker ps")).toBeNull();
  });
});
