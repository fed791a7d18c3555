import { describe, expect, it } from 'vitest';
import { formatProblem, validatePolicy } from '../../src/policy/validate.js';

const check = (text: string) => validatePolicy('50-local.yaml', text);

describe('validatePolicy: good input', () => {
  it('reads units and package rules, with origins', () => {
    const v = check(`units:
  tailscaled.service:
    package: tailscale
    default: defer
    after: [systemd-networkd.service]
packages:
  - name: tail
    match: tailscale*
    version: ">=1.80 <2"
    units: { tailscaled.service: guarded }
    reason: because
`);
    expect(v.errors).toEqual([]);
    expect(v.fragment.units['tailscaled.service']).toEqual({
      package: 'tailscale',
      default: 'defer',
      after: ['systemd-networkd.service'],
      from: { package: '50-local.yaml:3:5', default: '50-local.yaml:4:5', after: '50-local.yaml:5:5' },
    });
    expect(v.fragment.rules).toEqual([
      {
        name: 'tail',
        match: ['tailscale*'],
        version: '>=1.80 <2',
        on: ['install', 'remove'],
        units: { 'tailscaled.service': 'guarded' },
        reason: 'because',
        from: '50-local.yaml:7:5',
      },
    ]);
  });

  it('an empty file or a comment-only file changes nothing', () => {
    expect(check('').errors).toEqual([]);
    expect(check('# nothing\n').fragment).toEqual({ file: '50-local.yaml', units: {}, rules: [] });
  });

  it('an unnamed rule is named after its file and position', () => {
    expect(check('packages:\n  - {match: x, units: {}, reason: r}\n').fragment.rules[0]!.name).toBe('50-local.yaml#1');
  });
});

describe('validatePolicy: each error says file:line:col and how to fix it', () => {
  it.each([
    [
      'units:\n  tailscaled.service:\n    default: vetoo\n',
      "50-local.yaml:3:14: tailscaled.service.default: unknown mode 'vetoo' (hint: use one of allow, guarded, defer, veto; did you mean 'veto'?)",
    ],
    [
      'units:\n  tailscaled:\n    default: veto\n',
      "50-local.yaml:2:3: 'tailscaled' is not a unit name (hint: write the full unit name, e.g. tailscaled.service)",
    ],
    [
      'units:\n  a.service:\n    setle: true\n',
      "50-local.yaml:3:5: a.service: unknown setting 'setle' (hint: known: package, default, action, settle, refuse-stop, nft-loader, after, listens, repair; did you mean 'settle'?)",
    ],
    [
      'units:\n  a.service:\n    listens: ["22"]\n',
      "50-local.yaml:3:14: a.service.listens: '22' is not ADDR:PORT or :PORT (hint: e.g. '100.64.0.1:22', '[fd7a:115c:a1e0::1]:22' or ':22')",
    ],
    [
      'units:\n  tailscaled.service:\n    repair: replay-route\n',
      "50-local.yaml:3:13: tailscaled.service.repair: unknown repair 'replay-route' (hint: use restart or replay-routes; did you mean 'replay-routes'?)",
    ],
    ['units:\n  a.service:\n    nft-loader: 1\n', '50-local.yaml:3:17: a.service.nft-loader must be true or false'],
    [
      'units:\n  a.service:\n    action: restrat\n',
      "50-local.yaml:3:13: a.service.action: unknown action 'restrat' (hint: use restart or reload; did you mean 'restart'?)",
    ],
    ['units:\n  a.service:\n    settle: yes\n', '50-local.yaml:3:13: a.service.settle must be true or false'],
    [
      'pakages: []\n',
      "50-local.yaml:1:1: unknown top-level key 'pakages' (hint: known: units, packages; did you mean 'packages'?)",
    ],
    [
      'packages:\n  - match: kmod\n    units: {a.service: veto}\n',
      "50-local.yaml:2:5: package rule 50-local.yaml#1: 'reason' is missing (hint: say why, in words an admin reads in the journal)",
    ],
    [
      'packages:\n  - {match: k, units: {}, reason: r, version: "not a range"}\n',
      "50-local.yaml:2:47: version: 'not a range' is not a semver range: 'not' is not an operator (<, <=, >, >=, =, ^, ~) and a version (hint: e.g. '>=1.80 <2', checked against the upstream part of the version)",
    ],
    [
      // semver itself reads this as >=1.80.0, which matches 3.0
      'packages:\n  - {match: k, units: {}, reason: r, version: ">==1.80"}\n',
      "50-local.yaml:2:47: version: '>==1.80' is not a semver range: '>==1.80' is not an operator (<, <=, >, >=, =, ^, ~) and a version (hint: e.g. '>=1.80 <2', checked against the upstream part of the version)",
    ],
    [
      'packages:\n  - {match: k, units: {}, reason: r, on: [instal]}\n',
      "50-local.yaml:2:43: on: expected install and/or remove (hint: e.g. on: [install]; did you mean 'install'?)",
    ],
    ['units: [a]\n', '50-local.yaml:1:8: units: expected a mapping of unit name to settings'],
    ['- just\n- a list\n', '50-local.yaml:1:1: expected a mapping with "units:" and/or "packages:"'],
    [
      'units:\n  a.service: {default: veto\n',
      '50-local.yaml:3:1: YAML: Flow map in block collection must be sufficiently indented and end with a } (hint: check the indentation and quoting on this line)',
    ],
    [
      'units:\n  a.service: {}\n  a.service: {}\n',
      '50-local.yaml:3:3: YAML: Map keys must be unique (hint: check the indentation and quoting on this line)',
    ],
  ])('%j', (text, want) => {
    const v = check(text);
    expect(v.errors.map(formatProblem)[0]).toBe(want);
  });
});
