import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appliedMigrations, databasePath, migrate, openDatabase, type Migration } from '../../src/storage/db.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tasuke-db-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const notes: Migration[] = [
  { id: 'notes-001-create', up: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)' },
  { id: 'notes-002-author', up: (db) => db.exec('ALTER TABLE notes ADD COLUMN author TEXT') },
];

describe('openDatabase', () => {
  it('creates <dataDir>/tasuke.db (and missing folders) in WAL mode with the migration table', () => {
    const path = databasePath(join(tempDir(), 'nested', 'data'));
    expect(path.endsWith(join('data', 'tasuke.db'))).toBe(true);
    const db = openDatabase(path);
    try {
      expect(existsSync(path)).toBe(true);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(appliedMigrations(db)).toEqual([]);
    } finally {
      db.close();
    }
  });
});

describe('migrate', () => {
  it('applies each migration once, in order, across reopenings', () => {
    const path = databasePath(tempDir());
    const db = openDatabase(path);
    expect(migrate(db, notes)).toEqual(['notes-001-create', 'notes-002-author']);
    db.prepare('INSERT INTO notes (body, author) VALUES (?, ?)').run('hello', 'ta');
    db.close();

    const again = openDatabase(path);
    try {
      expect(migrate(again, notes)).toEqual([]);
      const more: Migration[] = [...notes, { id: 'other-001', up: 'CREATE TABLE other (x INTEGER)' }];
      expect(migrate(again, more)).toEqual(['other-001']);
      expect(appliedMigrations(again)).toEqual(['notes-001-create', 'notes-002-author', 'other-001']);
      expect(again.prepare('SELECT body, author FROM notes').all()).toEqual([{ body: 'hello', author: 'ta' }]);
    } finally {
      again.close();
    }
  });

  it('rolls back a failing migration and does not record it', () => {
    const db = openDatabase(databasePath(tempDir()));
    try {
      const broken: Migration[] = [
        notes[0],
        { id: 'broken-001', up: 'CREATE TABLE half (x INTEGER); CREATE TABLE notes (dup INTEGER)' },
      ];
      expect(() => migrate(db, broken)).toThrow(/already exists/);
      expect(appliedMigrations(db)).toEqual(['notes-001-create']);
      const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'half'`).all();
      expect(tables).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('refuses duplicate migration ids', () => {
    const db = openDatabase(':memory:');
    try {
      expect(() => migrate(db, [notes[0], { ...notes[1], id: notes[0].id }])).toThrow(/Duplicate migration id "notes-001-create"/);
      expect(appliedMigrations(db)).toEqual([]);
    } finally {
      db.close();
    }
  });
});
