import type { GeminiPartialArg } from "./gemini-types.js";

type PathSegment = string | number;

interface OpenContainer {
  /** The key or index this container sits under in its parent (none for the root object). */
  segment: PathSegment | undefined;
  kind: "object" | "array";
  members: number;
}

/** The writer's whole state, in one plain object. */
interface WriterState {
  /** Containers entered and not yet left; the root object first. */
  stack: OpenContainer[];
  started: boolean;
  /** JSON path of a string whose fragments are still arriving. */
  openString: string | undefined;
}

export interface StreamedArgumentsWriter {
  /** One partial argument in, the JSON text it adds out. */
  write(arg: GeminiPartialArg): string;
  /** Closes whatever is open; `{}` when no argument ever arrived. */
  close(): string;
}

/**
 * Turns Vertex's streamed function-call arguments (`partialArgs`: a value, or a string fragment,
 * at a JSON path) into JSON text written as it arrives, so the fragments an OpenAI-style client
 * concatenates parse to the arguments object. Paths arrive in document order; containers are
 * opened when a path first enters them and closed when a path leaves them.
 */
export function createStreamedArgumentsWriter(): StreamedArgumentsWriter {
  const state: WriterState = { stack: [{ segment: undefined, kind: "object", members: 0 }], started: false, openString: undefined };
  return {
    write(arg) {
      let out = start(state);
      const path = parseJsonPath(arg.jsonPath);
      if (!path || path.length === 0) return out;
      const stringValue = arg.stringValue ?? (valueLiteral(arg) === undefined ? "" : undefined);
      if (state.openString !== undefined) {
        if (state.openString === arg.jsonPath && stringValue !== undefined) {
          out += escapeFragment(stringValue);
          if (!arg.willContinue) {
            out += '"';
            state.openString = undefined;
          }
          return out;
        }
        out += '"';
        state.openString = undefined;
      }
      out += enter(state, path.slice(0, -1), path[path.length - 1]!);
      if (stringValue === undefined) return out + valueLiteral(arg)!;
      out += `"${escapeFragment(stringValue)}`;
      if (arg.willContinue) state.openString = arg.jsonPath;
      else out += '"';
      return out;
    },
    close() {
      let out = start(state);
      if (state.openString !== undefined) out += '"';
      state.openString = undefined;
      while (state.stack.length > 0) out += closer(state.stack.pop()!);
      return out;
    },
  };
}

function start(state: WriterState): string {
  if (state.started) return "";
  state.started = true;
  return "{";
}

/** Leaves containers the new path is not under, opens the ones it enters, writes the member key. */
function enter(state: WriterState, parents: PathSegment[], leaf: PathSegment): string {
  const stack = state.stack;
  let out = "";
  let common = 0;
  while (common < parents.length && common + 1 < stack.length && stack[common + 1]!.segment === parents[common]) common++;
  while (stack.length > common + 1) out += closer(stack.pop()!);
  for (let i = common; i < parents.length; i++) {
    const next = i + 1 < parents.length ? parents[i + 1]! : leaf;
    const kind = typeof next === "number" ? "array" : "object";
    out += memberPrefix(stack, parents[i]!) + (kind === "array" ? "[" : "{");
    stack.push({ segment: parents[i], kind, members: 0 });
  }
  return out + memberPrefix(stack, leaf);
}

function memberPrefix(stack: OpenContainer[], segment: PathSegment): string {
  const container = stack[stack.length - 1]!;
  const comma = container.members++ > 0 ? "," : "";
  return container.kind === "object" ? `${comma}${JSON.stringify(String(segment))}:` : comma;
}

function closer(container: OpenContainer): string {
  return container.kind === "object" ? "}" : "]";
}

function valueLiteral(arg: GeminiPartialArg): string | undefined {
  if (typeof arg.numberValue === "number") return JSON.stringify(arg.numberValue);
  if (typeof arg.boolValue === "boolean") return String(arg.boolValue);
  if (arg.nullValue !== undefined) return "null";
  return undefined;
}

/** JSON string escaping of a fragment, without the surrounding quotes. */
function escapeFragment(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** RFC 9535 paths as Vertex writes them: `$.a.b[0]`, `$['a b']`. */
export function parseJsonPath(path: string): PathSegment[] | undefined {
  if (!path.startsWith("$")) return undefined;
  const segments: PathSegment[] = [];
  const token = /\.([^.[\]]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y;
  token.lastIndex = 1;
  while (token.lastIndex < path.length) {
    const m = token.exec(path);
    if (!m) return undefined;
    if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push((m[1] ?? m[3] ?? m[4] ?? "").replace(/\\(.)/g, "$1"));
  }
  return segments;
}
