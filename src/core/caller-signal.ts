/**
 * How the engine learns that whoever asked has gone away. A DOM `AbortSignal` is one; the HTTP
 * layer passes a lighter one per request (an `AbortSignal` is an EventTarget, costly to create
 * thousands of times a second only to be dropped unused).
 */
export interface CallerSignal {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** A CallerSignal fired by hand (`abort`), for callers that are not an AbortController. */
export class CallerAbort implements CallerSignal {
  aborted = false;
  reason: unknown;
  private listeners: Array<() => void> | undefined;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const listener of listeners) listener();
  }

  addEventListener(_type: "abort", listener: () => void): void {
    if (this.aborted) return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: "abort", listener: () => void): void {
    const listeners = this.listeners;
    if (!listeners) return;
    const i = listeners.indexOf(listener);
    if (i >= 0) listeners.splice(i, 1);
  }
}

/** Waits `ms`; resolves false early (and clears the timer) if the caller goes away first. */
export function sleepUnlessAborted(ms: number, signal: CallerSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
