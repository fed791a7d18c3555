// Debian version comparison, as dpkg does it (deb-version(7), lib/dpkg/version.c).
export interface DebVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

const VALID = /^(?:(\d+):)?([0-9][A-Za-z0-9.+~:-]*?)(?:-([A-Za-z0-9.+~]+))?$/;

// Splits [epoch:]upstream[-revision]; null when dpkg would reject it.
export function parseDebVersion(text: string): DebVersion | null {
  const v = text.trim();
  const m = VALID.exec(v);
  if (!m) return null;
  const upstream = m[2]!;
  // NOTE: deb-version(7): a colon in upstream needs an epoch, a hyphen needs a revision.
  if (m[1] === undefined && upstream.includes(':')) return null;
  if (m[3] === undefined && upstream.includes('-')) return null;
  return { epoch: m[1] === undefined ? 0 : Number(m[1]), upstream, revision: m[3] ?? '' };
}

// Order of one character in the non-digit parts: ~ sorts before everything, even the end.
function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

// dpkg's verrevcmp: alternating non-digit and digit runs.
function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ac = order(isDigit(a[i]) ? undefined : a[i]);
      const bc = order(isDigit(b[j]) ? undefined : b[j]);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (isDigit(a[i]) && isDigit(b[j])) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a[i])) return 1;
    if (isDigit(b[j])) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

// <0, 0, >0 like dpkg --compare-versions a lt/eq/gt b. Throws on a version dpkg would reject.
export function compareDebVersions(a: string, b: string): number {
  const va = parseDebVersion(a);
  const vb = parseDebVersion(b);
  if (!va) throw new Error(`not a Debian version: '${a}'`);
  if (!vb) throw new Error(`not a Debian version: '${b}'`);
  if (va.epoch !== vb.epoch) return va.epoch - vb.epoch;
  return compareFragment(va.upstream, vb.upstream) || compareFragment(va.revision, vb.revision);
}
