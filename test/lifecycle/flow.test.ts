import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appContext, settings, type AppContext } from '../../src/context.js';
import { preInstallPkgs, preInvoke } from '../../src/lifecycle/open.js';
import { postDpkg, postInvoke } from '../../src/lifecycle/close.js';
import { needrestartHook } from '../../src/lifecycle/needrestart.js';
import { memoryLog } from '../../src/log.js';
import { ExecError } from '../../src/errors.js';
import { onCorrupt } from '../../src/state.js';
import { defaultConfig } from '../../src/config/model.js';
import { listClosed, loadClosed, loadCurrent, loadPending, saveCurrent } from '../../src/txn/store.js';
import { aptGone, aptTick, handOver, runOpen, watchArgv, watchRunDir } from '../../src/lifecycle/watchapt.js';
import { markAlive } from '../../src/watch/alive.js';
import { frontend, self } from '../../src/procid.js';
import { goneProcess } from '../helpers/proc.js';
import { fakeRun } from '../helpers/fake-run.js';
import { scratch } from '../helpers/scratch.js';

const GATE = new URL('../../hooks/policy-rc.d', import.meta.url).pathname;
const GATE_LIB = new URL('../../hooks/gate.sh', import.meta.url).pathname;
const SHIPPED = new URL('../../policies', import.meta.url).pathname;
const STREAM =
  `VERSION 3\nAPT::Architecture=amd64\n\n` +
  'tailscale 1.80.0 amd64 none < 1.82.0 amd64 none /var/cache/apt/archives/tailscale_1.82.0_amd64.deb\n' +
  'systemd 252.38-1~deb12u1 amd64 none < 252.39-1~deb12u1 amd64 none /var/cache/apt/archives/systemd_252.39-1~deb12u1_amd64.deb\n';

let root: string;
let ctx: AppContext;
let calls: string[][];

beforeEach(() => {
  root = scratch('ng-hooks-');
  // systemctl answers; the network tools are "missing", so probes are unavailable, never fatal.
  const fake = fakeRun({
    'systemctl daemon-reload': '',
    'systemctl restart systemd-networkd.service': '',
    'systemctl restart tailscaled.service': '',
    'systemctl reload nftables.service': '',
  });
  calls = fake.calls;
  let t = Date.parse('2026-11-22T10:00:00Z');
  ctx = {
    run: fake.run,
    log: memoryLog(),
    state: join(root, 'state'),
    dirs: { run: join(root, 'run'), systemdRun: join(root, 'systemd') },
    policyDirs: { shipped: SHIPPED, admin: join(root, 'policies.d'), trustedUid: process.getuid?.() ?? 0 },
    probe: { timeoutMs: 1000 },
    now: () => new Date((t += 1000)),
    strict: false,
    // These cases are about the transaction; the restore it hands over to has its own tests.
    config: { ...defaultConfig(), restore: { ...defaultConfig().restore, auto: false } },
    configErrors: [],
    configWarnings: [],
    degraded: null,
    sleep: async () => {},
  };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const gate = (...args: string[]) =>
  spawnSync('sh', [GATE, ...args], {
    env: {
      ...process.env,
      APT_NETGUARD_RUN_DIR: ctx.dirs.run,
      APT_NETGUARD_ORIG_POLICY_RC_D: join(root, 'none'),
      APT_NETGUARD_GATE_LIB: GATE_LIB,
    },
  }).status;
const dropInPath = () => join(root, 'systemd/systemd-networkd.service.d/50-apt-netguard.conf');

describe('one dpkg run: systemd + tailscale upgraded', () => {
  it('arms, records who asked, disarms first, owes the guarded steps in order, closes', async () => {
    const opened = await preInvoke(ctx);
    expect(opened.preSnapshot).toMatch(/-pre$/);
    const armed = await preInstallPkgs(ctx, STREAM);
    expect(armed.decisions.map((d) => `${d.unit}=${d.action}`)).toEqual([
      'systemd-networkd.service=guarded',
      'tailscaled.service=guarded',
      'nftables.service=guarded',
    ]);
    expect(readFileSync(join(ctx.dirs.run, 'armed/tailscaled.service'), 'utf8')).toBe('guarded\n');
    expect(readFileSync(dropInPath(), 'utf8')).toContain('RefuseManualStop=yes');
    expect(calls).toContainEqual(['systemctl', 'daemon-reload']);

    // tailscale's postinst: deb-systemd-invoke restart tailscaled.service -> policy-rc.d says 101
    expect(gate('tailscaled.service', 'restart')).toBe(101);
    expect(gate('--quiet', 'tailscaled', 'restart start')).toBe(101); // invoke-rc.d's form
    expect(gate('tailscaled.service', 'start')).toBe(0); // only restart/reload are refused
    expect(gate('ssh.service', 'restart')).toBe(0); // not protected

    await postDpkg(ctx);
    expect(existsSync(dropInPath())).toBe(false);
    // needrestart runs after the early Post-Invoke: its request is recorded, not executed
    expect(await needrestartHook(ctx, 'systemd-networkd.service')).toEqual({ recorded: 'guarded' });

    calls.length = 0;
    const closed = await postInvoke(ctx);
    expect(closed?.state).toBe('closed');
    // nothing restarted before the ordered restore exists; owed, in order, and status says so
    expect(calls.filter((c) => c[0] === 'systemctl' && c[1] !== 'daemon-reload')).toEqual([]);
    expect(loadPending(ctx.state).map((p) => `${p.step} ${p.unit}`)).toEqual([
      'restart systemd-networkd.service',
      'restart tailscaled.service',
      'reload nftables.service',
    ]);
    const txn = loadClosed(ctx.state, listClosed(ctx.state).at(-1)!)!;
    expect(txn.requests.map((r) => `${r.who} ${r.action} ${r.unit} ${r.decision}`)).toEqual([
      'policy-rc.d restart tailscaled.service guarded',
      'policy-rc.d restart tailscaled.service guarded',
      'needrestart restart systemd-networkd.service guarded',
    ]);
    expect(txn.notes).toContain(
      'systemd-networkd.service: RefuseManualStop was armed; any systemctl restart from a maintainer script was refused',
    );
    expect(existsSync(join(ctx.dirs.run, 'open'))).toBe(false);
    expect(gate('tailscaled.service', 'restart')).toBe(0); // gates open again
    expect(loadCurrent(ctx.state)).toBeNull();

    // a second Post-Invoke of the same step finds nothing to do
    expect(await postInvoke(ctx)).toBeNull();
    expect(listClosed(ctx.state)).toHaveLength(1);
  });
});

describe('idempotence and crash recovery', () => {
  it('a second Pre-Invoke of the same run keeps the open transaction', async () => {
    const a = await preInvoke(ctx);
    const b = await preInvoke(ctx);
    expect(b.id).toBe(a.id);
  });

  it('a run killed after arming is closed as abandoned by the next Pre-Invoke, gates and drop-ins gone', async () => {
    await preInvoke(ctx);
    const first = await preInstallPkgs(ctx, STREAM);
    // ... guard or apt killed here: no Post-Invoke
    const next = await preInvoke(ctx);
    expect(next.id).not.toBe(first.id);
    expect(loadClosed(ctx.state, first.id)?.state).toBe('abandoned');
    expect(existsSync(dropInPath())).toBe(false);
    expect(existsSync(join(ctx.dirs.run, 'armed/tailscaled.service'))).toBe(false);
  });

  it('deferred decisions become pending restarts, once per unit across runs', async () => {
    const { mkdirSync, writeFileSync, chmodSync } = await import('node:fs');
    mkdirSync(ctx.policyDirs.admin, { mode: 0o755 });
    chmodSync(ctx.policyDirs.admin, 0o755);
    writeFileSync(
      join(ctx.policyDirs.admin, '50-defer.yaml'),
      'packages:\n  - {name: tailscale, match: tailscale, on: [install], units: {tailscaled.service: defer, nftables.service: defer}, reason: maintenance window only}\n',
      { mode: 0o644 },
    );
    for (let i = 0; i < 2; i++) {
      await preInvoke(ctx);
      await preInstallPkgs(ctx, STREAM);
      await postInvoke(ctx);
    }
    // systemd's rule still says guarded for networkd; tailscale's units are deferred by the admin
    expect(loadPending(ctx.state).map((p) => `${p.step} ${p.unit} ${p.reason}`)).toEqual([
      'restart systemd-networkd.service systemd: networkd must run the new systemd, restarted by apt-netguard so Tailscale state is restored',
      'restart tailscaled.service tailscale: maintenance window only',
      'reload nftables.service tailscale: maintenance window only',
    ]);
  });
});

describe("a request under a unit's default mode", () => {
  it('needrestart asking for tailscaled in a run that no rule covers is owed, with who asked', async () => {
    await preInvoke(ctx);
    await preInstallPkgs(
      ctx,
      'VERSION 3\nAPT::Architecture=amd64\n\nlibssl3 3.0.17-1 amd64 same < 3.0.18-1 amd64 same /x.deb\n',
    );
    expect(await needrestartHook(ctx, 'tailscaled.service')).toEqual({ recorded: 'guarded' });
    await postInvoke(ctx);
    expect(loadPending(ctx.state)).toMatchObject([
      { unit: 'tailscaled.service', step: 'restart', reason: 'needrestart asked to restart (default mode guarded)' },
    ]);
  });
});

describe('a corrupt journal file is moved aside, and the guard goes on guarding', () => {
  it.each(['txn/current.json', 'vetoes.json', 'pending.json', 'restore/current.json'])('%s', async (file) => {
    const path = join(ctx.state, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, '{"garbage');
    ctx.log = memoryLog();
    const seen: string[] = [];
    onCorrupt((c) => void seen.push(c.path));
    try {
      await preInvoke(ctx);
      const armed = await preInstallPkgs(ctx, STREAM);
      expect(armed.state).toBe('armed');
      expect(gate('tailscaled.service', 'restart')).toBe(101); // still guarding
      await postDpkg(ctx);
      expect((await postInvoke(ctx))?.state).toBe('closed');
    } finally {
      onCorrupt(() => {});
    }
    expect(seen).toEqual([path]);
    expect(readdirSync(dirname(path)).some((f) => f.startsWith(`${basename(path)}.corrupt-`))).toBe(true);
  });
});

describe('blindness is reported', () => {
  it('a hung ip: the transaction names the probes that could not see, and the journal warns', async () => {
    const inner = ctx.run;
    ctx.run = async (argv, o) => {
      if (argv[0] === 'ip') throw new ExecError(argv, 'timed out after 1000 ms', null, '');
      return inner(argv, o);
    };
    const log = memoryLog();
    ctx.log = log;
    const txn = await preInvoke(ctx);
    expect(txn.blind?.map((b) => `${b.probe} ${b.when}`)).toEqual(['links pre', 'rules pre', 'routes pre']);
    expect(txn.blind?.[0]?.reason).toMatch(/timed out after 1000 ms$/);
    const warned = log.lines.filter((l) => l.level === 'warn').map((l) => l.msg);
    expect(warned).toContainEqual(expect.stringMatching(/^the links probe could not see \(pre\): .*timed out/));
    // Tools that are simply not installed here (the fake has no nft, no tailscale) are not blindness.
    expect(txn.blind?.some((b) => b.probe === 'nft' || b.probe === 'tailscale')).toBe(false);
  });
});

describe('an unwritable state dir degrades, it does not switch the guard off', () => {
  it('the gates still hold, the run journals under the run dir, and an alert goes out', async () => {
    // A state dir that cannot be made: its parent is a file (the read-only and full cases are root tests).
    writeFileSync(join(root, 'blocker'), '');
    const s = settings(
      { stateDir: join(root, 'blocker/state') },
      {},
      {
        APT_NETGUARD_RUN_DIR: ctx.dirs.run,
        APT_NETGUARD_SYSTEMD_RUN_DIR: ctx.dirs.systemdRun,
        APT_NETGUARD_CONFIG: join(root, 'config.yaml'),
      },
    );
    writeFileSync(join(root, 'config.yaml'), 'restore:\n  auto: false\nalerts:\n  command: [/usr/local/bin/notify]\n', {
      mode: 0o644,
    });
    const log = memoryLog();
    const d = await appContext({ ...s, policyDirs: ctx.policyDirs }, log, ctx.run);
    expect(d.degraded).toMatch(/blocker\/state cannot be written: .*ENOTDIR/);
    expect(d.state).toBe(join(ctx.dirs.run, 'state'));
    expect(log.lines.some((l) => l.level === 'error' && /cannot be written/.test(l.msg))).toBe(true);
    const txn = await preInvoke(d);
    await preInstallPkgs(d, STREAM);
    expect(gate('tailscaled.service', 'restart')).toBe(101); // the vetoes hold: they live in /run
    await postDpkg(d);
    expect((await postInvoke(d))?.id).toBe(txn.id);
    expect(loadClosed(d.state, txn.id)?.notes.join('\n')).toMatch(/^degraded: .*state is under .*run\/state$/m);
    // The alert command was run with the degraded notice on its stdin.
    expect(calls).toContainEqual(['/usr/local/bin/notify']);
  });
});

describe('a killed apt leaves nothing armed', () => {
  it('the watcher argv: one transient unit per apt process, apt-gone when it ends', () =>
    expect(watchArgv({ pid: 42, start: '77', boot: 'b' })).toEqual([
      'systemd-run',
      '--unit=apt-netguard-apt-42-77.service',
      '--description=apt-netguard: disarm if this apt process dies before its Post-Invoke',
      '--collect',
      '--quiet',
      '--no-block',
      '--property=ExecStopPost=/usr/lib/apt-netguard/hooks/run-hook apt-gone 42 77',
      '/usr/bin/tail',
      '--pid=42',
      '-s',
      '1',
      '-f',
      '/dev/null',
    ]));
  it('apt-gone for a dead apt: gates and drop-ins go, the transaction is abandoned, its restarts owed', async () => {
    await preInvoke(ctx);
    const armed = await preInstallPkgs(ctx, STREAM);
    const apt = goneProcess();
    saveCurrent(ctx.state, { ...armed, apt });
    writeFileSync(join(ctx.dirs.run, 'apt'), `${apt.pid} ${apt.start}\n`);
    // The gate already lets the admin's restarts through: the apt that armed it is gone.
    expect(gate('tailscaled.service', 'restart')).toBe(0);
    expect(existsSync(dropInPath())).toBe(true);
    expect(await aptGone(ctx, apt.pid, apt.start)).toBe(true);
    expect(existsSync(dropInPath())).toBe(false);
    expect(existsSync(join(ctx.dirs.run, 'open'))).toBe(false);
    expect(loadCurrent(ctx.state)).toBeNull();
    const txn = loadClosed(ctx.state, listClosed(ctx.state).at(-1)!)!;
    expect(txn.state).toBe('abandoned');
    expect(txn.notes.join('\n')).toMatch(/reconciled: apt \(pid \d+\) ended before its Post-Invoke ran/);
    expect(loadPending(ctx.state).map((p) => p.unit)).toContain('tailscaled.service');
  });
  it('apt-gone for an apt that still runs, or another one: nothing happens', async () => {
    await preInvoke(ctx);
    const armed = await preInstallPkgs(ctx, STREAM);
    const me = self();
    saveCurrent(ctx.state, { ...armed, apt: me });
    expect(await aptGone(ctx, me.pid, me.start)).toBe(false);
    expect(await aptGone(ctx, 1, '1')).toBe(false);
    expect(loadCurrent(ctx.state)?.state).toBe('armed');
    expect(gate('tailscaled.service', 'restart')).toBe(101);
  });
});

describe('the watch service watches apt instead of a transient unit (issue 18)', () => {
  const withSystemd = () => {
    const me = frontend()!;
    const fake = fakeRun({ 'systemctl daemon-reload': '', [watchArgv(me).join(' ')]: '' });
    mkdirSync(join(root, 'systemd'), { recursive: true });
    return { me, fake, c: { ...ctx, run: fake.run, probe: { ...ctx.probe, systemdRunDir: join(root, 'systemd') } } };
  };
  const beat = (c: AppContext, holder: ReturnType<typeof self>, ageMs: number) =>
    markAlive(c.dirs.run, {
      holder,
      startedAt: '2026-11-22T09:00:00Z',
      beatAt: new Date(c.now().getTime() - ageMs).toISOString(),
      heartbeatMs: 60_000,
    });
  it.each([
    ['the service runs and beats: no systemd-run', () => self(), 1_000, 0],
    ['its heartbeat is 4 beats late (a hung loop): systemd-run', () => self(), 240_000, 1],
    ['its mark names a process gone (a crash): systemd-run', goneProcess, 1_000, 1],
  ])('%s', async (_what, holder, age, runs) => {
    const { fake, c } = withSystemd();
    mkdirSync(c.dirs.run, { recursive: true });
    beat(c, holder(), age);
    await preInstallPkgs(c, STREAM);
    expect(fake.calls.filter((a) => a[0] === 'systemd-run')).toHaveLength(runs);
  });
  it("aptTick: nothing while the run's apt lives; the run is abandoned once it is gone", async () => {
    const { me, c } = withSystemd();
    await preInstallPkgs(c, STREAM);
    expect(readFileSync(join(c.dirs.run, 'apt'), 'utf8')).toBe(`${me.pid} ${me.start}\n`);
    expect(await aptTick(c)).toBe(false);
    expect(loadCurrent(c.state)?.state).toBe('armed');
    const apt = goneProcess();
    saveCurrent(c.state, { ...loadCurrent(c.state)!, apt });
    writeFileSync(join(c.dirs.run, 'apt'), `${apt.pid} ${apt.start}\n`);
    expect(await aptTick(c)).toBe(true);
    expect([existsSync(join(c.dirs.run, 'open')), existsSync(dropInPath())]).toEqual([false, false]);
    expect(loadClosed(c.state, listClosed(c.state).at(-1)!)?.state).toBe('abandoned');
    expect(await aptTick(c)).toBe(false); // nothing open any more
  });
  it('watchRunDir: inotify says when a run opens (the service then ticks each second)', async () => {
    let changes = 0;
    const stop = watchRunDir(
      ctx,
      () => void changes++,
      () => {},
    );
    expect(stop).not.toBeNull();
    expect(runOpen(ctx)).toBe(false);
    writeFileSync(join(ctx.dirs.run, 'open'), 'txn\n');
    for (let i = 0; i < 50 && !changes; i++) await new Promise((r) => setTimeout(r, 10));
    stop!();
    expect([changes > 0, runOpen(ctx)]).toEqual([true, true]);
  });
  it("handOver at the service's stop: a live apt gets its transient unit, a gone one is closed now", async () => {
    const { me, fake, c } = withSystemd();
    mkdirSync(c.dirs.run, { recursive: true });
    beat(c, self(), 1_000);
    await preInstallPkgs(c, STREAM);
    expect(fake.calls.filter((a) => a[0] === 'systemd-run')).toHaveLength(0);
    rmSync(join(c.dirs.run, 'watch')); // the service clears its mark first
    await handOver(c);
    expect(fake.calls.filter((a) => a[0] === 'systemd-run')).toEqual([watchArgv(me)]);
    const apt = goneProcess();
    saveCurrent(c.state, { ...loadCurrent(c.state)!, apt });
    writeFileSync(join(c.dirs.run, 'apt'), `${apt.pid} ${apt.start}\n`);
    await handOver(c);
    expect(loadCurrent(c.state)).toBeNull();
    expect(loadClosed(c.state, listClosed(c.state).at(-1)!)?.state).toBe('abandoned');
  });
});

describe('Pre-Invoke folded into Pre-Install-Pkgs (issue 18)', () => {
  it('each dpkg run of one apt: Pre-Install-Pkgs alone opens and arms; a repeat is idempotent; one watcher', async () => {
    const me = frontend();
    expect(me).not.toBeNull();
    const fake = fakeRun({ 'systemctl daemon-reload': '', [watchArgv(me!).join(' ')]: '' });
    mkdirSync(join(root, 'systemd'), { recursive: true });
    const c = { ...ctx, run: fake.run, probe: { ...ctx.probe, systemdRunDir: join(root, 'systemd') } };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const t = await preInstallPkgs(c, STREAM);
      expect([t.state, t.preSnapshot?.endsWith('-pre')]).toEqual(['armed', true]);
      // The same stream again from the same apt: the same transaction, armed again, no new snapshot.
      expect((await preInstallPkgs(c, STREAM)).id).toBe(t.id);
      await postDpkg(c);
      expect((await postInvoke(c))?.id).toBe(t.id);
      ids.push(t.id);
    }
    expect(new Set(ids).size).toBe(3);
    expect(fake.calls.filter((a) => a[0] === 'systemd-run')).toHaveLength(1);
  });
  it('a transaction a killed run left armed is closed as abandoned before the new one opens', async () => {
    const t1 = await preInstallPkgs(ctx, STREAM);
    saveCurrent(ctx.state, { ...t1, apt: goneProcess() });
    const t2 = await preInstallPkgs(ctx, STREAM);
    expect(t2.id).not.toBe(t1.id);
    expect(loadClosed(ctx.state, t1.id)?.state).toBe('abandoned');
    expect(loadCurrent(ctx.state)?.id).toBe(t2.id);
  });
});

describe('the late Post-Invoke of a dpkg run that changed nothing (issue 18)', () => {
  const HOSTNAME =
    'VERSION 3\nAPT::Architecture=amd64\n\n' +
    'hostname 3.23+nmu1 amd64 none = 3.23+nmu1 amd64 none /var/cache/apt/archives/hostname_3.23+nmu1_amd64.deb\n';
  it.each([
    ['nothing owed, nothing changed: stops before any plan', HOSTNAME, true],
    ['a guarded restart owed: the restore runs', STREAM, false],
  ])('%s', async (_, stream, idle) => {
    const log = memoryLog();
    const c = { ...ctx, log, config: defaultConfig() };
    const t = await preInstallPkgs(c, stream);
    await postDpkg(c);
    await postInvoke(c);
    expect(loadClosed(c.state, t.id)?.findings).toEqual([]);
    const said = log.lines.some((l) => l.msg === 'nothing owed, nothing changed: no restore');
    expect(said).toBe(idle);
    // The restore that ran owed restarts left its record; the idle one left none.
    expect(existsSync(join(c.state, 'restore'))).toBe(!idle);
    // The ruleset's loader, which that restore may need, is looked up as the post snapshot starts
    // (before its nft call, the probe spawned first), not after it; the idle run looks up nothing.
    const at = (match: (a: string[]) => boolean) => calls.findIndex(match);
    const lookup = at((a) => a[0] === 'systemctl' && a.includes('--property=Id,ActiveState'));
    const postNft = calls.findIndex((a, i) => a[0] === 'nft' && i > at((b) => b[0] === 'nft'));
    expect(lookup >= 0 && lookup < postNft).toBe(!idle);
  });
});
