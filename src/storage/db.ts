/**
 * The one SQLite file tasuke keeps its state in (`<dataDir>/tasuke.db`).
 * Features (jobs, escalations, ...) own their tables and bring their own
 * migrations; this module opens the file and records which migrations ran.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** One schema change. `id` is unique across all features, e.g. `jobs-001-create`. */
export interface Migration {
  id: string;
  up: string | ((db: Db) => void);
}

/** Where the database lives inside a data directory. */
export function databasePath(dataDir: string): string {
  return join(dataDir, 'tasuke.db');
}

/**
 * Opens (creating if needed) the database at `path` in WAL mode, with the
 * migration table in place. Pass `':memory:'` for a throw-away database.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // Several processes may share the file (the server and a CLI): wait for a lock instead of failing.
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS migrations (
    id TEXT PRIMARY KEY,
    applied_at INTEGER NOT NULL
  )`);
  return db;
}

/**
 * Applies, in order and each in its own transaction, the migrations not yet
 * recorded. Returns the ids it applied. Safe to call on every start.
 */
export function migrate(db: Db, migrations: readonly Migration[]): string[] {
  const seen = new Set<string>();
  for (const m of migrations) {
    if (seen.has(m.id)) throw new Error(`Duplicate migration id "${m.id}".`);
    seen.add(m.id);
  }
  const has = db.prepare('SELECT 1 FROM migrations WHERE id = ?');
  const record = db.prepare('INSERT INTO migrations (id, applied_at) VALUES (?, ?)');
  const applied: string[] = [];
  for (const m of migrations) {
    // Checked inside the transaction so two processes starting together do not both apply it.
    const apply = db.transaction(() => {
      if (has.get(m.id)) return false;
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      record.run(m.id, Date.now());
      return true;
    });
    if (apply.immediate()) applied.push(m.id);
  }
  return applied;
}

/** The ids of the migrations applied so far, oldest first. */
export function appliedMigrations(db: Db): string[] {
  return (db.prepare('SELECT id FROM migrations ORDER BY applied_at, rowid').all() as { id: string }[]).map((r) => r.id);
}
