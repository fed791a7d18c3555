// A journal folder: `current.json` while the thing is in progress, `<id>.json` once it ended, the
// newest `keep` kept. Writes are atomic; callers hold the folder's lock around read-modify-write.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError, messageOf } from './errors.js';
import { ensureDir, writeFileAtomic } from './fsutil.js';

export function readJson<T>(path: string, check: (v: unknown) => v is T, what: string): T | null {
  if (!existsSync(path)) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InputError(`${path}: unreadable: ${messageOf(err)}`);
  }
  if (!check(doc)) throw new InputError(`${path}: not ${what}`);
  return doc;
}

// Its twin: the document, indented a little for people reading the state dir, written atomically.
export function writeJson(path: string, doc: unknown): void {
  ensureDir(dirname(path));
  writeFileAtomic(path, JSON.stringify(doc, null, 1));
}

export function journal<T extends { id: string }>(
  dir: string,
  check: (v: unknown) => v is T,
  what: string,
  keep: number,
) {
  const current = join(dir, 'current.json');
  const ended = () =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.json') && f !== 'current.json' && !f.startsWith('.'))
          .map((f) => f.slice(0, -5))
          .sort()
      : [];
  return {
    dir,
    hasCurrent: () => existsSync(current),
    loadCurrent: (): T | null => readJson(current, check, what),
    saveCurrent: (doc: T): void => writeJson(current, doc),
    // The ended document is written under its id before current.json goes: a crash in between
    // leaves both, and the next run finds the current one already ended and finishes it again, harmlessly.
    finish(doc: T): void {
      writeJson(join(dir, `${doc.id}.json`), doc);
      rmSync(current, { force: true });
      for (const old of ended().slice(0, -keep)) rmSync(join(dir, `${old}.json`), { force: true });
    },
    listEnded: ended,
    loadEnded: (id: string): T | null => readJson(join(dir, `${id}.json`), check, what),
  };
}
