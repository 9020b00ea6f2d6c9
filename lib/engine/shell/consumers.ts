/**
 * Registry tools that read an image by reference: copying or exporting a tag that holds a BuildKit cache
 * fails (or copies a cache where an image was meant), just as `docker pull` does.
 */
import type { ConsumerKind } from "../types";
import { after, parseFlags, skipGlobals, type Flag } from "./flags";
import type { Word } from "./tokenize";

export interface ConsumeCommand {
  kind: "consume";
  consumer: ConsumerKind;
  /** every image reference the command reads, in order */
  images: Word[];
  head: Word;
}

const CRANE_VALUE = new Set(["--platform", "-j", "--jobs", "--format", "-c", "--cache_path", "--annotate-ref", "--user-agent"]);
const SKOPEO_GLOBAL_VALUE = new Set(["--override-arch", "--override-os", "--override-variant", "--policy", "--registries.d", "--tmpdir", "--command-timeout", "--registries-conf"]);
const SKOPEO_VALUE = new Set(
  "--authfile --src-authfile --dest-authfile --creds --src-creds --dest-creds --cert-dir --src-cert-dir --dest-cert-dir --format -f --retry-times --retry-delay --sign-by --sign-by-sigstore --sign-by-sigstore-private-key --sign-passphrase-file --multi-arch --dest-compress-format --dest-compress-level --encryption-key --decryption-key --registry-token --src-registry-token --dest-registry-token --src-shared-blob-dir --dest-shared-blob-dir --additional-tag --digestfile --image-parallel-copies --dest-oci-shared-blob-dir"
    .split(" "),
);
const REGCTL_VALUE = new Set(["--platform", "--annotation", "--exclude", "--include", "--format", "--referrers-src", "--referrers-tgt", "--digest-tags-src", "-v", "--verbosity", "--logopt", "--host", "--user-agent"]);

const consume = (consumer: ConsumerKind, head: Word, images: Word[]): ConsumeCommand | null =>
  images.length > 0 ? { kind: "consume", consumer, images, head } : null;

/** `crane copy|cp SRC DST`, `crane pull SRC… PATH`, `crane export IMAGE [TAR]`. */
function crane(head: Word, rest: Word[]): ConsumeCommand | null {
  const i = skipGlobals(rest, 0, CRANE_VALUE);
  const verb = rest[i]?.text;
  const { positionals } = parseFlags(rest.slice(i + 1), CRANE_VALUE);
  if (verb === "copy" || verb === "cp") return positionals.length >= 2 ? consume("crane", head, [positionals[0]]) : null;
  if (verb === "pull") return consume("crane", head, positionals.slice(0, -1));
  if (verb === "export") return consume("crane", head, positionals.slice(0, 1).filter((w) => w.text !== "-"));
  return null;
}

/** The reference of a `docker://` image name; other transports (`oci:`, `docker-archive:`) are files. */
function dockerTransport(w: Word | undefined): Word | null {
  if (!w || !w.text.startsWith("docker://")) return null;
  const rawAt = w.raw.indexOf("docker://");
  // A name put together by the shell (`docker://$IMAGE`) has its prefix in the raw text; one taken from
  // a variable (`$SRC`) does not, and then the whole word is the reference's place.
  return rawAt >= 0 ? after(w, rawAt + "docker://".length, "docker://".length) : { ...w, text: w.text.slice("docker://".length) };
}

/** `skopeo copy docker://SRC DEST`, `skopeo inspect docker://REF`. */
function skopeo(head: Word, rest: Word[]): ConsumeCommand | null {
  const i = skipGlobals(rest, 0, SKOPEO_GLOBAL_VALUE);
  const verb = rest[i]?.text;
  if (verb !== "copy" && verb !== "inspect") return null;
  const { positionals } = parseFlags(rest.slice(i + 1), SKOPEO_VALUE);
  if (verb === "copy" && positionals.length < 2) return null;
  const ref = dockerTransport(positionals[0]);
  return ref ? consume("skopeo", head, [ref]) : null;
}

/** `regctl image copy|cp SRC DST`. */
function regctl(head: Word, rest: Word[]): ConsumeCommand | null {
  const i = skipGlobals(rest, 0, REGCTL_VALUE);
  if (rest[i]?.text !== "image" || (rest[i + 1]?.text !== "copy" && rest[i + 1]?.text !== "cp")) return null;
  const { positionals } = parseFlags(rest.slice(i + 2), REGCTL_VALUE);
  return positionals.length >= 2 ? consume("regctl", head, [positionals[0]]) : null;
}

/** `az acr import --name R --source SRC`. */
function azAcrImport(head: Word, rest: Word[]): ConsumeCommand | null {
  if (rest[0]?.text !== "acr" || rest[1]?.text !== "import") return null;
  const { flags } = parseFlags(rest.slice(2), new Set(["--source", "--name", "-n", "--image", "-t", "--registry", "-r", "--resource-group", "-g", "--username", "-u", "--password", "-p", "--repository", "--subscription", "--message"]));
  const src = flags.filter((f: Flag) => f.name === "--source" && f.value).map((f) => f.value!);
  return consume("acr-import", head, src);
}

/** Recognise a registry tool's image read; `name` is the program, `rest` the words after it. */
export function recognizeRegistryTool(name: string, head: Word, rest: Word[]): ConsumeCommand | null {
  if (name === "crane" || name === "gcrane") return crane(head, rest);
  if (name === "skopeo") return skopeo(head, rest);
  if (name === "regctl") return regctl(head, rest);
  if (name === "az") return azAcrImport(head, rest);
  return null;
}
