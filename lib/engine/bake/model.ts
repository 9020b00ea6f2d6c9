/** Internal shapes shared by the bake loaders and the resolver. */
import type { Span } from "../types";
import type { Region } from "./locate";

export interface FileCtx {
  path: string;
  text: string;
}

/** The attributes cacheguard reads from a target. */
export type AttrKey = "tags" | "cache-to" | "cache-from" | "output" | "push";

export const ATTR_KEYS: AttrKey[] = ["tags", "cache-to", "cache-from", "output", "push"];

/** One evaluated list element (a tag, a cache spec, an output spec) and where it was written. */
export interface Item {
  /** evaluated text (unknowns as `${{ bake.X }}` tokens) */
  text: string;
  /** as written */
  raw: string;
  spec: boolean;
  span: Span;
  /** an object-form cache entry (`{ type = "registry", ref = "…" }`): its ref as written */
  refRaw?: string;
  /** the file the raw characters are in, and where, when they were found verbatim */
  where?: { path: string; text: string; offset: number; end: number };
}

export interface TargetDef {
  name: string;
  file: FileCtx;
  region: Region;
  /** attributes as hcl2json / JSON gives them (strings are templates) */
  attrs: Record<string, unknown>;
  /** compose services: values already interpolated, with exact spans */
  items?: Partial<Record<AttrKey, Item[]>>;
}

export interface GroupDef {
  name: string;
  targets: unknown;
  file: FileCtx;
}

export interface VariableDef {
  name: string;
  hasDefault: boolean;
  default?: unknown;
  file: FileCtx;
  region?: Region;
}

export interface BakeDoc {
  file: FileCtx;
  targets: TargetDef[];
  groups: GroupDef[];
  variables: VariableDef[];
  /** user-defined `function "name" { params = [..] variadic_params = x result = .. }` */
  functions: FunctionDef[];
  /** top-level attributes of an HCL file act as variables */
  globals: Record<string, unknown>;
}

export interface FunctionDef {
  name: string;
  params: string[];
  variadic?: string;
  result: unknown;
}
