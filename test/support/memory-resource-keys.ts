import type { ResourceKeyStore } from '../../src/stores/resource-key-store.js';

/** An in-process resource-key store, bounded to its newest entries: for tests of the bookkeeping. */
export class MemoryResourceKeys implements ResourceKeyStore {
  private readonly entries = new Map<string, string>();
  constructor(private readonly capacity = 100_000) {}

  async keyFor(provider: string, resourceId: string): Promise<string | undefined> {
    return this.entries.get(`${provider}\u0000${resourceId}`);
  }

  async remember(provider: string, resourceId: string, keyName: string): Promise<void> {
    const id = `${provider}\u0000${resourceId}`;
    this.entries.delete(id);
    this.entries.set(id, keyName);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  async forget(provider: string, resourceId: string): Promise<void> {
    this.entries.delete(`${provider}\u0000${resourceId}`);
  }
}
