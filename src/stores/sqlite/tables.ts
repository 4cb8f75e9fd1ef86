import type { AsyncJobStatus } from "../job-store.js";

/** Row of `async_jobs`: JSON columns are text, times are epoch milliseconds. */
export interface AsyncJobsTable {
  id: string;
  owner_hash: string;
  request_type: string;
  request: string;
  status: AsyncJobStatus;
  attempts: number;
  result_ttl_seconds: number;
  status_code: number | null;
  result: string | null;
  error: string | null;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  expires_at: number | null;
}

/** Row of `resource_keys`: the pool key that made a provider-side resource (a name, never the secret). */
export interface ResourceKeysTable {
  provider: string;
  resource_id: string;
  key_name: string;
  created_at: number;
}

/** Row of `governance_usage`: one running counter of a budget or rate limit (usage-store.ts). */
export interface GovernanceUsageTable {
  key: string;
  value: number;
  window_start: number;
}

/** Every table in the app dir's SQLite database, for kysely. */
export interface IrisDatabase {
  async_jobs: AsyncJobsTable;
  resource_keys: ResourceKeysTable;
  governance_usage: GovernanceUsageTable;
}
