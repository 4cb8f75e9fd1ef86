import { pino, type Logger } from 'pino';

export interface CapturedLogs {
  logger: Logger;
  /** Every line logged so far, parsed (pino writes one JSON object per line). */
  lines(): Array<Record<string, unknown>>;
  /** The `msg` of every line at `level` (pino's number: 30 info, 40 warn). */
  messages(level: number): string[];
}

/** A pino logger that keeps its lines in memory, for tests that assert what start-up logs. */
export function captureLogs(): CapturedLogs {
  const raw: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void raw.push(line) });
  const lines = (): Array<Record<string, unknown>> => raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    logger,
    lines,
    messages: (level) =>
      lines()
        .filter((line) => line['level'] === level)
        .map((line) => String(line['msg'])),
  };
}
