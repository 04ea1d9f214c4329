import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTopicsTable, TOPIC_SLUGS } from '../../src/qa/topics.ts';
import { REPO } from './helpers.ts';

const TOPICS_MD = join(REPO, '../shared/curriculum/topics.md');

describe('topic slugs', () => {
  it.skipIf(!existsSync(TOPICS_MD))('equal the table in shared/curriculum/topics.md', () => {
    expect([...TOPIC_SLUGS]).toEqual(parseTopicsTable(readFileSync(TOPICS_MD, 'utf8')));
  });

  it('parses a markdown table', () => {
    const md = '| slug | what |\n| --- | --- |\n| `a-b` | x |\n| c | y |\n';
    expect(parseTopicsTable(md)).toEqual(['a-b', 'c']);
  });
});
