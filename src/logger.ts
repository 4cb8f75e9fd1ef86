import { pino, type Logger } from "pino";
import type { LogLevel, LogStyle } from "./config/defaults.js";

/** JSON logs by default; `pretty` formats them for a terminal via pino-pretty. */
export function createLogger(level: LogLevel, style: LogStyle): Logger {
  const redact = { paths: ["*.authorization", "*.api_key", "*.value", "*.headers.authorization", '*.headers["api-key"]'], censor: "[redacted]" };
  if (style === "pretty") {
    return pino({ level, redact, transport: { target: "pino-pretty", options: { colorize: true } } });
  }
  return pino({ level, redact });
}
