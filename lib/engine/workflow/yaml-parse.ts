/**
 * yaml's `parseAllDocuments`, minus one cost. yaml's CST `Parser.next()` reads
 * `process.env.LOG_TOKENS` for every lexical token (a debugging switch); `process.env` is a native
 * interceptor, so that lookup was about a quarter of parsing a workflow. `QuietParser.next()` is yaml's
 * own `next()` (yaml 2.x, dist/parse/parser.js) without that line, and the documents are composed by
 * yaml's own `Composer` exactly as `parseAllDocuments` composes them. yaml-parse.test.ts checks that the
 * tokens and documents are the ones yaml's `Parser` gives, on every fixture and bench file.
 */
import { Composer, CST, Parser, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions } from "yaml";

/** The members of yaml's Parser that `next()` uses (private in its typings, stable across yaml 2.x). */
interface ParserState {
  source: string;
  type: string;
  offset: number;
  indent: number;
  atNewLine: boolean;
  atScalar: boolean;
  onNewLine?: (offset: number) => void;
  step(): Generator<CST.Token, void>;
  pop(error?: CST.Token): Generator<CST.Token, void>;
}

export class QuietParser extends Parser {
  override *next(source: string): Generator<CST.Token, void> {
    const p = this as unknown as ParserState;
    p.source = source;
    if (p.atScalar) {
      p.atScalar = false;
      yield* p.step();
      p.offset += source.length;
      return;
    }
    const type = CST.tokenType(source);
    if (!type) {
      const message = `Not a YAML token: ${source}`;
      yield* p.pop({ type: "error", offset: p.offset, message, source });
      p.offset += source.length;
    } else if (type === "scalar") {
      p.atNewLine = false;
      p.atScalar = true;
      p.type = "scalar";
    } else {
      p.type = type;
      yield* p.step();
      switch (type) {
        case "newline":
          p.atNewLine = true;
          p.indent = 0;
          if (p.onNewLine) p.onNewLine(p.offset + source.length);
          break;
        case "space":
          if (p.atNewLine && source[0] === " ") p.indent += source.length;
          break;
        case "explicit-key-ind":
        case "map-value-ind":
        case "seq-item-ind":
          if (p.atNewLine) p.indent += source.length;
          break;
        case "doc-mode":
        case "flow-error-end":
          return;
        default:
          p.atNewLine = false;
      }
      p.offset += source.length;
    }
  }
}

export type YamlParseOptions = ParseOptions & DocumentOptions & SchemaOptions;

/**
 * The documents `parseAllDocuments(source, options)` returns for `prettyErrors: false` (an empty list
 * where yaml returns its empty-stream array). Error positions are offsets, as with prettyErrors off.
 */
export function parseAllDocumentsQuiet(source: string, options: YamlParseOptions): Document.Parsed[] {
  const composer = new Composer(options);
  return Array.from(composer.compose(new QuietParser().parse(source))) as Document.Parsed[];
}
