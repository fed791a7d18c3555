// The on-disk store: atomic writes, retention, refs, and clear errors for bad files.
import { readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listSnapshotIds, loadSnapshot, resolveRef, saveSnapshot, snapshotsDir } from '../../src/snapshot/store.js';
import { makeId, nextId } from '../../src/snapshot/model.js';
import { withLock } from '../../src/lock.js';
import { InputError } from '../../src/errors.js';
import { snapshotFromLab } from '../helpers/snapshots.js';
import { scratch } from '../helpers/scratch.js';
import { fixture } from '../helpers/fixtures.js';
import { diff } from '../../src/diff/index.js';
import { decodeAll, type Route } from '../../src/probes/routes.js';

const tmp = () => scratch('ng-store-');
const snap = (i: number) => ({
  ...snapshotFromLab('bookworm-netns'),
  id: makeId(new Date(Date.UTC(2026, 0, 1, 0, 0, i)), i % 2 ? 'pre' : null),
});

describe('snapshot store', () => {
  it('saves, lists oldest first, and round-trips', async () => {
    const dir = tmp();
    for (const i of [3, 1, 2]) await saveSnapshot(dir, snap(i));
    const ids = listSnapshotIds(dir);
    expect(ids).toEqual([snap(1).id, snap(2).id, snap(3).id]);
    expect(loadSnapshot(resolveRef(dir, 'latest'))).toEqual(snap(3));
    expect(loadSnapshot(resolveRef(dir, ids[0]!)).id).toBe('2026-01-01T00-00-01-000Z-pre');
  });

  it('round-trips text that is not ASCII (a host name, an nft comment)', async () => {
    const dir = tmp();
    const s = { ...snap(4), host: 'zürich-gw-✓' };
    await saveSnapshot(dir, s);
    expect(loadSnapshot(resolveRef(dir, 'latest')).host).toBe('zürich-gw-✓');
  });

  it('two snapshots of the same millisecond are both kept, in save order, each under its own id', async () => {
    const dir = tmp();
    const [a, b, c] = [snap(7), snap(7), snap(7)];
    for (const s of [a, b, c]) await saveSnapshot(dir, s);
    expect(listSnapshotIds(dir)).toEqual([
      '2026-01-01T00-00-07-000Z-pre',
      '2026-01-01T00-00-07-001Z-pre',
      '2026-01-01T00-00-07-002Z-pre',
    ]);
    expect([a.id, b.id, c.id]).toEqual(listSnapshotIds(dir));
    // The document says when it was taken; only its id moved on.
    expect(loadSnapshot(resolveRef(dir, 'latest'))).toMatchObject({ id: c.id, takenAt: a.takenAt });
  });

  it.each([
    ['2026-01-01T00-00-07-000Z-pre', '2026-01-01T00-00-07-001Z-pre'],
    ['2026-01-01T00-00-07-999Z', '2026-01-01T00-00-08-000Z'],
    ['2026-12-31T23-59-59-999Z-post', '2027-01-01T00-00-00-000Z-post'],
    ['my-snapshot', 'my-snapshot-1'],
    ['my-snapshot-1', 'my-snapshot-2'],
  ])('nextId(%s) = %s', (id, want) => expect(nextId(id)).toBe(want));

  it('a save never replaces a file already there under the same name', async () => {
    const dir = tmp();
    await saveSnapshot(dir, snap(8));
    const s = snap(8);
    await Promise.all([saveSnapshot(dir, s), saveSnapshot(dir, snap(8))]);
    expect(listSnapshotIds(dir)).toHaveLength(3);
  });

  it('keeps only the newest N', async () => {
    const dir = tmp();
    for (let i = 0; i < 6; i++) await saveSnapshot(dir, snap(i), 4);
    expect(listSnapshotIds(dir)).toEqual([2, 3, 4, 5].map((i) => snap(i).id));
  });

  it('leaves no temp file behind and ignores one left by a killed writer', async () => {
    const dir = tmp();
    mkdirSync(snapshotsDir(dir), { recursive: true });
    writeFileSync(join(snapshotsDir(dir), '.2026-x.json.123.456.tmp'), '{"half');
    await saveSnapshot(dir, snap(1));
    expect(listSnapshotIds(dir)).toEqual([snap(1).id]);
    expect(readdirSync(snapshotsDir(dir)).filter((f) => f.endsWith('.tmp'))).toHaveLength(1);
  });

  it('serialises writers on the state-dir lock', async () => {
    const dir = tmp();
    const order: string[] = [];
    const slow = withLock(dir, async () => {
      order.push('a-in');
      await new Promise((r) => setTimeout(r, 300));
      order.push('a-out');
    });
    await new Promise((r) => setTimeout(r, 50));
    await withLock(dir, () => {
      order.push('b');
    });
    await slow;
    expect(order).toEqual(['a-in', 'a-out', 'b']);
    expect(existsSync(join(dir, '.lock'))).toBe(false);
  });

  it.each([
    ['missing file', (d: string) => join(d, 'nope.json'), /cannot read snapshot/],
    ['not JSON', (d: string) => (writeFileSync(join(d, 'x.json'), 'garbage'), join(d, 'x.json')), /not JSON/],
    [
      'wrong schema',
      (d: string) => (writeFileSync(join(d, 'y.json'), '{"schemaVersion":9}'), join(d, 'y.json')),
      /schemaVersion 9/,
    ],
  ])('%s is an input error', (_n, make, msg) => {
    const d = tmp();
    expect(() => loadSnapshot(make(d))).toThrow(InputError);
    expect(() => loadSnapshot(make(d))).toThrow(msg);
  });

  // A guard that upgrades itself diffs the old version's pre-upgrade snapshot against its own.
  it('loads a schema-1 snapshot written by the previous version: routes become lines, and it diffs clean against schema 2', () => {
    const v1Text = fixture('snapshots/v1-netns.json');
    const v1Routes = (JSON.parse(v1Text) as { probes: { routes: { data: { routes: Route[] } } } }).probes.routes.data
      .routes;
    expect(typeof v1Routes[0]).toBe('object');
    const v1 = loadSnapshot(new URL('../fixtures/snapshots/v1-netns.json', import.meta.url).pathname);
    const v2 = loadSnapshot(new URL('../fixtures/snapshots/v2-netns.json', import.meta.url).pathname);
    expect(v1.schemaVersion).toBe(2);
    expect(v1.probes.routes.status === 'ok' && decodeAll(v1.probes.routes.data)).toEqual(v1Routes);
    expect(v1.probes.routes).toMatchObject({
      status: 'ok',
      data: v2.probes.routes.status === 'ok' ? v2.probes.routes.data : null,
    });
    expect(diff(v1, v2)).toEqual([]);
  });

  it('latest in an empty state dir is an input error', () => {
    expect(() => resolveRef(tmp(), 'latest')).toThrow(/no snapshots/);
  });
});
