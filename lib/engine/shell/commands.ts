/**
 * Recognise the docker / buildx / buildctl commands that build, bake or consume images, from the words
 * of one simple command; registry tools that read images are in consumers.ts.
 */
import { recognizeRegistryTool, type ConsumeCommand } from "./consumers";
import { boolFlag, commandStart, parseFlags, programName, skipGlobals, values } from "./flags";
import type { Word } from "./tokenize";

export { commandStart } from "./flags";
export type { ConsumeCommand } from "./consumers";

export interface BuildCommand {
  kind: "build";
  /** `imagetools`: `docker buildx imagetools create -t …`, which pushes a tag (a manifest list) and builds nothing */
  tool: "docker" | "buildx" | "buildctl" | "imagetools";
  tags: Word[];
  cacheTo: Word[];
  cacheFrom: Word[];
  outputs: Word[];
  push: boolean;
  load: boolean;
  target?: Word;
  file?: Word;
  context?: Word;
  /** the images `imagetools create` reads (its positional refs); empty for real builds */
  sources: Word[];
  /** the word that names the command (`docker`/`buildctl`), for the build's span */
  head: Word;
}

export interface BakeCommand {
  kind: "bake";
  files: Word[];
  targets: Word[];
  set: Word[];
  push: boolean;
  load: boolean;
  head: Word;
}

export type DockerCommand = BuildCommand | BakeCommand | ConsumeCommand;

const DOCKER_GLOBAL_VALUE = new Set(["--config", "-c", "--context", "-H", "--host", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey"]);
const BUILD_VALUE = new Set(
  "-t --tag -f --file --cache-to --cache-from -o --output --target --platform --build-arg --build-context --secret --ssh --label --network --progress --iidfile --metadata-file --builder --allow --add-host --shm-size --ulimit --annotation --attest --sbom --provenance --call --cgroup-parent -m --memory --memory-swap --cpu-shares --cpu-period --cpu-quota --cpuset-cpus --cpuset-mems --isolation --security-opt"
    .split(" "),
);
const BAKE_VALUE = new Set("-f --file --set --builder --metadata-file --progress --provenance --sbom --call --allow --var".split(" "));
const RUN_VALUE = new Set(
  "-a --attach --add-host --annotation --blkio-weight --blkio-weight-device -c --cpu-shares --cap-add --cap-drop --cgroup-parent --cgroupns --cidfile --cpu-period --cpu-quota --cpu-rt-period --cpu-rt-runtime --cpus --cpuset-cpus --cpuset-mems --detach-keys --device --device-cgroup-rule --device-read-bps --device-read-iops --device-write-bps --device-write-iops --dns --dns-option --dns-search --domainname --entrypoint -e --env --env-file --expose --gpus --group-add --health-cmd --health-interval --health-retries --health-start-interval --health-start-period --health-timeout -h --hostname --ip --ip6 --ipc --isolation --kernel-memory -l --label --label-file --link --link-local-ip --log-driver --log-opt --mac-address -m --memory --memory-reservation --memory-swap --memory-swappiness --mount --name --network --net --network-alias --net-alias --oom-score-adj --pid --pids-limit --platform -p --publish --pull --restart --runtime --security-opt --shm-size --stop-signal --stop-timeout --storage-opt --sysctl --tmpfs --ulimit -u --user --userns --uts -v --volume --volume-driver --volumes-from -w --workdir"
    .split(" "),
);
const PULL_VALUE = new Set(["--platform"]);
const IMAGETOOLS_VALUE = new Set(["-t", "--tag", "-f", "--file", "--annotation", "--builder", "--progress", "--prefer-index"]);
const BUILDCTL_GLOBAL_VALUE = new Set(["--addr", "--tlsservername", "--tlscacert", "--tlscert", "--tlskey", "--tlsdir", "--timeout"]);
const BUILDCTL_VALUE = new Set(
  "--output -o --export-cache --import-cache --frontend --opt --local --secret --ssh --progress --trace --metadata-file --ref-file --allow --source-policy-file".split(" "),
);

function buildFrom(head: Word, tool: BuildCommand["tool"], rest: Word[]): BuildCommand {
  const { flags, positionals } = parseFlags(rest, BUILD_VALUE);
  const target = values(flags, "--target").pop();
  const file = values(flags, "-f", "--file").pop();
  return {
    kind: "build",
    tool,
    head,
    ...(target ? { target } : {}),
    ...(file ? { file } : {}),
    ...(positionals[0] ? { context: positionals[0] } : {}),
    tags: values(flags, "-t", "--tag"),
    sources: [],
    cacheTo: values(flags, "--cache-to"),
    cacheFrom: values(flags, "--cache-from"),
    outputs: values(flags, "-o", "--output"),
    push: boolFlag(flags, "--push"),
    load: boolFlag(flags, "--load"),
  };
}

const DOCKER_CONSUMER = { run: "docker-run", pull: "docker-pull", create: "docker-create" } as const;

/** Recognise one command; null when it is not a docker build, bake or image consumer. */
export function recognize(words: Word[]): DockerCommand | null {
  const s = commandStart(words);
  const head = words[s];
  if (!head) return null;
  const name = programName(head);
  if (name === "docker" || name === "podman") {
    let i = skipGlobals(words, s + 1, DOCKER_GLOBAL_VALUE);
    let sub = words[i]?.text;
    if (sub === "buildx") {
      i = skipGlobals(words, i + 1, new Set(["--builder"]));
      sub = words[i]?.text;
      if (sub === "build" || sub === "b") return buildFrom(head, "buildx", words.slice(i + 1));
      if (sub === "imagetools" && words[i + 1]?.text === "create") {
        // Merging per-platform digests under a tag is a push of that tag, like a build's `--push`.
        // Its sources are read as images: a source tag that holds a cache breaks the merge. `-f` names a
        // descriptor file, not an image.
        const { flags, positionals } = parseFlags(words.slice(i + 2), IMAGETOOLS_VALUE);
        if (boolFlag(flags, "--dry-run")) return null;
        const tags = values(flags, "-t", "--tag");
        return { kind: "build", tool: "imagetools", head, tags, sources: positionals, cacheTo: [], cacheFrom: [], outputs: [], push: true, load: false };
      }
      if (sub === "bake") {
        const { flags, positionals } = parseFlags(words.slice(i + 1), BAKE_VALUE);
        return {
          kind: "bake",
          head,
          files: values(flags, "-f", "--file"),
          targets: positionals,
          set: values(flags, "--set"),
          push: boolFlag(flags, "--push"),
          load: boolFlag(flags, "--load"),
        };
      }
      return null;
    }
    if (sub === "image" || sub === "container" || sub === "builder") {
      const sub2 = words[i + 1]?.text;
      if ((sub === "image" || sub === "builder") && sub2 === "build") return buildFrom(head, "docker", words.slice(i + 2));
      if ((sub === "image" && sub2 === "pull") || (sub === "container" && (sub2 === "run" || sub2 === "create"))) {
        i++;
        sub = sub2;
      } else return null;
    }
    if (sub === "build") return buildFrom(head, "docker", words.slice(i + 1));
    if (sub === "run" || sub === "create" || sub === "pull") {
      const { positionals } = parseFlags(words.slice(i + 1), sub === "pull" ? PULL_VALUE : RUN_VALUE);
      const image = positionals[0];
      if (!image) return null;
      return { kind: "consume", consumer: DOCKER_CONSUMER[sub], images: [image], head };
    }
    return null;
  }
  if (name === "buildctl") {
    const i = skipGlobals(words, s + 1, BUILDCTL_GLOBAL_VALUE);
    if (words[i]?.text !== "build") return null;
    const { flags } = parseFlags(words.slice(i + 1), BUILDCTL_VALUE);
    const outputs = values(flags, "--output", "-o");
    return {
      kind: "build",
      tool: "buildctl",
      head,
      tags: [],
      sources: [],
      cacheTo: values(flags, "--export-cache"),
      cacheFrom: values(flags, "--import-cache"),
      outputs,
      push: false,
      load: false,
    };
  }
  return recognizeRegistryTool(name, head, words.slice(s + 1));
}
