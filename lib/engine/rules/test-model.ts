/**
 * Hand-built models for rule unit tests: values are located by searching their raw text in the file,
 * so spans (and therefore fixes) are real.
 */
import { spanAt } from "../span";
import type { Build, CacheSpec, Consumer, Value } from "../types";

export class TestFile {
  private cursor = 0;
  constructor(readonly path: string, readonly text: string) {}

  /** The next occurrence of `raw` (after the previous one taken), evaluated to `text` (default raw). */
  value(raw: string, opts: { text?: string; speculative?: boolean } = {}): Value {
    const at = this.text.indexOf(raw, this.cursor);
    if (at < 0) throw new Error(`${raw} not found in ${this.path} after ${this.cursor}`);
    this.cursor = at + raw.length;
    const text = opts.text ?? raw;
    const v: Value = { raw, text, resolved: !text.includes("${{"), span: spanAt(this.path, this.text, at, at + raw.length) };
    if (opts.speculative) v.speculative = true;
    return v;
  }

  registry(ref: Value, attrs: Record<string, string> = {}): CacheSpec {
    return { type: "registry", attrs: { ref: ref.text, ...attrs }, ref, raw: ref.raw, span: ref.span };
  }

  spec(type: string, raw: string, attrs: Record<string, string> = {}): CacheSpec {
    const v = this.value(raw);
    return { type, attrs: { type, ...attrs }, raw, span: v.span };
  }
}

export function build(file: TestFile, over: Partial<Build> & { job: string }): Build {
  const b: Build = {
    id: `${file.path}#${over.job}#${over.stepIndex ?? 0}${over.matrix ? `#${JSON.stringify(over.matrix)}` : ""}`,
    source: "build-push-action",
    path: file.path,
    workflow: file.path,
    stepIndex: 0,
    seq: over.stepIndex ?? 0,
    needs: [],
    tags: [],
    cacheTo: [],
    cacheFrom: [],
    push: true,
    load: false,
    outputs: [],
    span: spanAt(file.path, file.text, 0, 1),
    ...over,
  };
  return b;
}

export function consumer(ref: Value, kind: Consumer["kind"] = "docker-run", job = "test"): Consumer {
  return { kind, path: ref.span.path, job, ref };
}
