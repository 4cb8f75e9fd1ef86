/**
 * Every Anthropic recording in test/fixtures is exercised by these tests: a new recording
 * dropped into the folder fails here until a test reads it.
 */
import { describe, expect, it } from 'vitest';
import { listFixtures } from '../../support/fixtures.js';
import { ERROR_BODY, IMAGE_INPUT, JSON_MESSAGES, JSONL_STREAMS, PARALLEL_TOOLS, REDACTED_STREAM } from './anthropic-recordings.js';

describe('anthropic fixture coverage', () => {
  it('reads every recording under anthropic/', () => {
    const covered = new Set([...JSONL_STREAMS, ...JSON_MESSAGES, REDACTED_STREAM, PARALLEL_TOOLS, IMAGE_INPUT, ERROR_BODY]);

    expect(listFixtures('anthropic').filter((file) => !covered.has(file))).toEqual([]);
  });
});
