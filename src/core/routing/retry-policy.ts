/** Which failures are worth another attempt: network errors, 5xx and 429; never other 4xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * Delay before retry number `attempt` (1-based): exponential from `initialMs`, capped at `maxMs`,
 * with "equal jitter" so concurrent clients spread out but never wait less than half the step.
 */
export function backoffDelayMs(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const step = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
  return step / 2 + random() * (step / 2);
}
