import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../../src/core/routing/concurrency-limiter.js';

type Release = () => void;

async function take(limiter: ConcurrencyLimiter, dropWhenFull = false, signal?: AbortSignal): Promise<Release> {
  const slot = limiter.acquire(dropWhenFull, signal);
  if (slot === 'full') throw new Error('unexpectedly full');
  return slot;
}

/** Lets pending promise callbacks run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('ConcurrencyLimiter', () => {
  it('grants up to `concurrency` slots at once and queues the next', async () => {
    const limiter = new ConcurrencyLimiter(2, 10);
    await take(limiter);
    await take(limiter);
    expect(limiter.inFlight).toBe(2);
    let granted = false;
    void take(limiter).then(() => (granted = true));
    await settle();
    expect(granted).toBe(false);
    expect(limiter.queued).toBe(1);
  });

  it('hands a released slot to the oldest waiter (FIFO)', async () => {
    const limiter = new ConcurrencyLimiter(1, 10);
    const release = await take(limiter);
    const order: string[] = [];
    const first = take(limiter).then((r) => (order.push('first'), r));
    const second = take(limiter).then((r) => (order.push('second'), r));
    release();
    const releaseFirst = await first;
    await settle();
    expect(order).toEqual(['first']);
    releaseFirst();
    await second;
    expect(order).toEqual(['first', 'second']);
  });

  it('reports full when the queue has no room and dropping is on', async () => {
    const limiter = new ConcurrencyLimiter(1, 1);
    await take(limiter, true);
    const queued = limiter.acquire(true);
    expect(queued).not.toBe('full');
    expect(limiter.acquire(true)).toBe('full');
  });

  it('reports full at once with buffer_size 0 when the only slot is taken', async () => {
    const limiter = new ConcurrencyLimiter(1, 0);
    await take(limiter, true);
    expect(limiter.acquire(true)).toBe('full');
  });

  it('queues beyond buffer_size when dropping is off', async () => {
    const limiter = new ConcurrencyLimiter(1, 0);
    const release = await take(limiter);
    const waiting = limiter.acquire(false);
    expect(waiting).not.toBe('full');
    release();
    await expect(waiting).resolves.toBeTypeOf('function');
    expect(limiter.inFlight).toBe(1);
  });

  it('removes an aborted waiter from the queue and rejects it', async () => {
    const limiter = new ConcurrencyLimiter(1, 5);
    const release = await take(limiter);
    const controller = new AbortController();
    const waiting = take(limiter, false, controller.signal);
    expect(limiter.queued).toBe(1);
    controller.abort(new Error('client left'));
    await expect(waiting).rejects.toThrow('client left');
    expect(limiter.queued).toBe(0);
    release();
    expect(limiter.inFlight).toBe(0);
  });

  it('ignores a second call of the same release function', async () => {
    const limiter = new ConcurrencyLimiter(2, 5);
    const release = await take(limiter);
    await take(limiter);
    release();
    release();
    expect(limiter.inFlight).toBe(1);
  });
});
