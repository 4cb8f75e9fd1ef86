/**
 * Which key made a provider-side resource. A file, batch, container or stored response lives in
 * the account (organisation, project, workspace) of the key that created it; with several keys in a
 * pool, a later call about it must go out with that key again or the provider answers 404.
 */
export interface ResourceKeyStore {
  keyFor(provider: string, resourceId: string): Promise<string | undefined>;
  remember(provider: string, resourceId: string, keyName: string): Promise<void>;
  forget(provider: string, resourceId: string): Promise<void>;
}
