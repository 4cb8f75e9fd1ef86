/**
 * Limits a parsed JSON body must keep before any converter sees it. Converters and
 * `JSON.stringify` recurse, so nesting is measured here without recursion; and `JSON.parse` turns a
 * number literal like `1e999` into Infinity, which no provider's schema can take.
 */

export type JsonLimitProblem = { kind: "too-deep"; maxDepth: number } | { kind: "non-finite"; path: string };

/** The first problem found, or undefined. Depth counts containers: `{}` is 1, `{"a":[1]}` is 2. */
export function jsonLimitProblem(value: unknown, maxDepth: number): JsonLimitProblem | undefined {
  if (typeof value !== "object" || value === null) return isBadNumber(value) ? { kind: "non-finite", path: "" } : undefined;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  let nonFinite = false;
  while (stack.length > 0) {
    const node = stack.pop() as object;
    const depth = depths.pop()!;
    if (depth > maxDepth) return { kind: "too-deep", maxDepth };
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) nonFinite = visit(node[i], depth, stack, depths) || nonFinite;
    } else {
      for (const key in node) nonFinite = visit((node as Record<string, unknown>)[key], depth, stack, depths) || nonFinite;
    }
  }
  return nonFinite ? { kind: "non-finite", path: pathOfNonFinite(value, "") ?? "" } : undefined;
}

/** Queues a container child one level down; true for a non-finite number. */
function visit(child: unknown, depth: number, stack: unknown[], depths: number[]): boolean {
  if (typeof child === "object" && child !== null) {
    stack.push(child);
    depths.push(depth + 1);
    return false;
  }
  return isBadNumber(child);
}

function isBadNumber(v: unknown): boolean {
  return typeof v === "number" && !Number.isFinite(v);
}

/** Where the first non-finite number sits (`messages[0].temperature`); the depth is known to be bounded here. */
function pathOfNonFinite(value: unknown, path: string): string | undefined {
  if (isBadNumber(value)) return path;
  if (typeof value !== "object" || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = pathOfNonFinite(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, child] of Object.entries(value)) {
    const found = pathOfNonFinite(child, path ? `${path}.${key}` : key);
    if (found !== undefined) return found;
  }
  return undefined;
}
