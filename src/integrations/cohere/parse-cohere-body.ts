import type { z } from "zod";
import { failure } from "../../schema/error.js";

/** Checks a Cohere request body against its schema; a 400 names the first field that is wrong. */
export function parseCohereBody<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = issue?.path.map(String).join(".") || null;
  throw failure({ status: 400, message: `${param ? `${param}: ` : ""}${issue?.message ?? "invalid request body"}`, param });
}
