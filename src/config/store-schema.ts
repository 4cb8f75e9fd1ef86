import { z } from "zod";

/**
 * `logs_store` (and the PostgreSQL block `config_store` shares), as Bifrost's
 * transports/config.schema.json defines them. Iris serves `sqlite` and `postgres`.
 */

const anyObject = z.object({}).passthrough();

const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] as const;

/** A port as Bifrost writes it (a string) or as people do (a number). */
const portSchema = z
  .union([z.number(), z.string().regex(/^\d+$/, "must be a port number")])
  .transform(Number)
  .pipe(z.number().int().min(1, "must be a port number (1-65535)").max(65_535, "must be a port number (1-65535)"));

/** Go durations (`"1h"`, `"30m"`, `"90s"`) or seconds as a number. */
const durationSchema = z.union([z.number().nonnegative(), z.string().regex(/^(\d+(\.\d+)?(h|m|s|ms))+$/, "expected a duration like '30m' or '1h'")]);

export const postgresConfigSchema = z
  .object({
    host: z.string().min(1, "is required"),
    port: portSchema,
    user: z.string().min(1, "is required"),
    password: z.string().optional(),
    password_command: anyObject.optional(),
    db_name: z.string().min(1, "is required"),
    ssl_mode: z.enum(SSL_MODES, { message: `must be one of ${SSL_MODES.join(", ")}` }),
    max_idle_conns: z.number().int().nonnegative().optional(),
    max_open_conns: z.number().int().min(2, "must be at least 2").optional(),
    conn_max_lifetime: durationSchema.optional(),
    matview_refresh_interval: z.string().optional(),
  })
  .passthrough();

export const sqliteConfigSchema = z.object({ path: z.string().min(1, "is required") }).passthrough();

export const logsStoreSchema = z
  .object({
    enabled: z.boolean().optional(),
    type: z.string().optional(),
    config: anyObject.optional(),
    writer: anyObject.optional(),
    object_storage: anyObject.optional(),
    object_storage_exclude_fields: z.array(z.string()).optional(),
    retention_days: z.number().int().nonnegative().optional(),
  })
  .passthrough()
  .superRefine((store, ctx) => {
    if (store.enabled !== true) return;
    if (store.type !== "sqlite" && store.type !== "postgres") {
      ctx.addIssue({ code: "custom", path: ["type"], message: `must be "sqlite" or "postgres" (Iris has no ${store.type ?? "default"} log store)` });
      return;
    }
    if (store.type === "postgres" && store.config?.["password_command"] !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["config", "password_command"],
        message: 'is not supported by Iris yet; give password ("env.VAR" reads it from the environment)',
      });
      return;
    }
    const parsed = (store.type === "sqlite" ? sqliteConfigSchema : postgresConfigSchema).safeParse(store.config ?? {});
    const issue = parsed.error?.issues[0];
    if (issue)
      ctx.addIssue({
        code: "custom",
        path: ["config", ...issue.path.map((segment) => (typeof segment === "symbol" ? String(segment) : segment))],
        message: issue.message,
      });
  });

export type PostgresConfigFile = z.infer<typeof postgresConfigSchema>;
export type LogsStoreConfigFile = z.infer<typeof logsStoreSchema>;
