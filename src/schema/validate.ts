import { z } from "zod";
import type { ErrorDetails } from "./error.js";
import type { JsonObject } from "./json.js";
import type { Operation } from "./request-type.js";

/**
 * Validation of canonical request bodies. Only what the gateway must understand is checked;
 * every other field passes through untouched.
 */

const modelField = z.string({ message: "model is required and must be a string like openai/gpt-4o-mini" }).min(1, "model must not be empty");
const fallbacksField = z.array(z.string(), { message: "fallbacks must be an array of provider/model strings" }).optional();
const streamField = z.boolean({ message: "stream must be true or false" }).optional();

/** Content parts: a type, and for the kinds every converter reads, the field that carries them. */
const contentPart = z.looseObject({ type: z.string({ message: "each content part needs a type string" }) }).superRefine((part, ctx) => {
  if (part.type === "text" && typeof part["text"] !== "string") ctx.addIssue({ code: "custom", message: "a text part needs a text string", path: ["text"] });
  if (part.type === "image_url") {
    const image = part["image_url"];
    const url = typeof image === "object" && image !== null ? (image as Record<string, unknown>)["url"] : undefined;
    if (typeof url !== "string") ctx.addIssue({ code: "custom", message: "an image_url part needs image_url.url as a string", path: ["image_url"] });
  }
});

const messageContent = z.union([z.string(), z.array(contentPart), z.null()], {
  message: "content must be a string, an array of content parts, or null",
});

const toolCall = z.looseObject({
  function: z.looseObject(
    {
      name: z.string({ message: "a tool call needs function.name as a string" }),
      arguments: z.string({ message: "function.arguments must be a JSON string" }).optional(),
    },
    { message: "a tool call needs a function object" },
  ),
});

const messageSchema = z.looseObject(
  {
    role: z.enum(["system", "developer", "user", "assistant", "tool", "function"], {
      message: "role must be one of system, developer, user, assistant, tool, function",
    }),
    content: messageContent.optional(),
    name: z.string({ message: "name must be a string" }).optional().nullable(),
    tool_calls: z.array(toolCall, { message: "tool_calls must be an array of tool calls" }).optional().nullable(),
    tool_call_id: z.string({ message: "tool_call_id must be a string" }).optional().nullable(),
  },
  { message: "each message must be an object with a role" },
);

/** A tool: any type, and a function tool names its function (every provider needs the name). */
const toolSchema = z
  .looseObject({ type: z.string({ message: "each tool needs a type string" }) }, { message: "each tool must be an object" })
  .superRefine((tool, ctx) => {
    if (tool.type !== "function") return;
    const fn = tool["function"];
    const name = typeof fn === "object" && fn !== null ? (fn as Record<string, unknown>)["name"] : undefined;
    if (typeof name !== "string" || name === "") ctx.addIssue({ code: "custom", message: "a function tool needs function.name", path: ["function", "name"] });
  });

const chatSchema = z.looseObject({
  model: modelField,
  messages: z.array(messageSchema, { message: "messages is required and must be an array of messages" }).min(1, "messages must not be empty"),
  stream: streamField,
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).optional().nullable(),
  fallbacks: fallbacksField,
  temperature: z.number().optional().nullable(),
  top_p: z.number().optional().nullable(),
  max_tokens: z.number().int().optional().nullable(),
  max_completion_tokens: z.number().int().optional().nullable(),
  n: z.number().int().positive().optional().nullable(),
  tools: z.array(toolSchema, { message: "tools must be an array of tools" }).optional().nullable(),
});

const textCompletionSchema = z.looseObject({
  model: modelField,
  prompt: z.union([z.string(), z.array(z.string()), z.array(z.number()), z.array(z.array(z.number()))], {
    message: "prompt is required: a string, an array of strings, or token arrays",
  }),
  stream: streamField,
  fallbacks: fallbacksField,
});

const embeddingSchema = z.looseObject({
  model: modelField,
  input: z.union([z.string(), z.array(z.string()), z.array(z.number()), z.array(z.array(z.number()))], {
    message: "input is required: a string, an array of strings, or token arrays",
  }),
  encoding_format: z.enum(["float", "base64"], { message: "encoding_format must be float or base64" }).optional(),
  fallbacks: fallbacksField,
});

const responsesSchema = z.looseObject({
  model: modelField,
  input: z
    .union([z.string(), z.array(z.union([z.string(), z.looseObject({})]))], { message: "input must be a string or an array of input items (objects)" })
    .optional(),
  /** Not a Responses field, but a body that carries it is counted as chat (count-tokens-body.ts), so it must be chat messages. */
  messages: z.array(messageSchema, { message: "messages must be an array of messages" }).optional(),
  tools: z
    .array(z.looseObject({ type: z.string() }), { message: "tools must be an array of tools, each with a type" })
    .optional()
    .nullable(),
  stream: streamField,
  fallbacks: fallbacksField,
});

const rerankDocument = z.union([z.string(), z.looseObject({ text: z.string() })], {
  message: "each document must be a string or an object with a text string",
});

const rerankSchema = z.looseObject({
  model: modelField,
  query: z.string({ message: "query is required and must be a string" }),
  documents: z.array(rerankDocument, { message: "documents is required and must be an array" }).min(1, "documents must not be empty"),
  top_n: z.number().int().positive().optional(),
  return_documents: z.boolean().optional(),
  max_tokens_per_doc: z.number().int().positive().optional(),
  stream: z.literal(false, { message: "rerank cannot be streamed" }).optional(),
  fallbacks: fallbacksField,
});

/** One speaker of a multi-speaker voice (`[{speaker, voice}]`), as Bifrost accepts besides a voice name. */
const speakerVoice = z.looseObject({ speaker: z.string(), voice: z.string().min(1) });

const speechSchema = z.looseObject({
  model: modelField,
  input: z.string({ message: "input is required and must be the text to speak" }).min(1, "input must not be empty"),
  voice: z.union([z.string().min(1), z.array(speakerVoice).min(1, "voice must name at least one speaker")], {
    message: "voice is required: a voice name such as alloy, or a list of {speaker, voice}",
  }),
  response_format: z.string({ message: "response_format must be a string such as mp3, opus, aac, flac, wav or pcm" }).optional(),
  speed: z.number({ message: "speed must be a number" }).optional(),
  instructions: z.string({ message: "instructions must be a string" }).optional(),
  stream_format: z.enum(["audio", "sse"], { message: "stream_format must be audio or sse" }).optional(),
  stream: streamField,
  fallbacks: fallbacksField,
});

const imageGenerationSchema = z.looseObject({
  model: modelField,
  prompt: z.string({ message: "prompt is required and must be a string describing the image" }).min(1, "prompt must not be empty"),
  n: z.number().int().positive({ message: "n must be a positive whole number" }).optional().nullable(),
  stream: z.literal(false, { message: "image generation cannot be streamed through this gateway" }).optional(),
  fallbacks: fallbacksField,
});

const SCHEMAS: Partial<Record<Operation, z.ZodType<JsonObject>>> = {
  chat: chatSchema,
  text_completion: textCompletionSchema,
  embedding: embeddingSchema,
  responses: responsesSchema,
  rerank: rerankSchema,
  speech: speechSchema,
  image_generation: imageGenerationSchema,
};

export interface ValidBody {
  body: JsonObject;
  model: string;
  stream: boolean;
  fallbacks: string[];
}

/** Checks a parsed JSON body for an operation; the error names the field and what is wrong. */
export function validateBody(op: Operation, body: unknown): ValidBody | ErrorDetails {
  const schema = SCHEMAS[op];
  if (!schema) return { status: 500, message: `no request schema for ${op}` };
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue?.path.map(String).join(".") ?? "";
    const where = param ? `${formatPath(issue?.path ?? [])}: ` : "";
    return { status: 400, message: `${where}${issue?.message ?? "invalid request body"}`, param: param || null, code: "invalid_request" };
  }
  const data = parsed.data;
  return {
    body: data,
    model: data["model"] as string,
    stream: data["stream"] === true,
    fallbacks: (data["fallbacks"] as string[] | undefined) ?? [],
  };
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}
