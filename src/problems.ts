// Problems in the files an admin writes (config.yaml, policy files): where (file:line:col), what,
// and a hint. The validators that find them are pure; hooks log them and commands print them.
import { LineCounter, parseDocument, type Node } from 'yaml';

export interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
  hint?: string;
}

export const formatProblem = (p: Problem) =>
  `${p.file}:${p.line}:${p.col}: ${p.message}${p.hint ? ` (hint: ${p.hint})` : ''}`;

// A parsed YAML file that keeps line and column: `at(node, …)` records a problem where the node
// starts. Syntax errors are in `errors` already; duplicate keys count as one.
export function yamlFile(file: string, text: string) {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const pos = (node: unknown) => lc.linePos((node as Node | null | undefined)?.range?.[0] ?? 0);
  const at = (node: unknown, message: string, hint?: string, list = errors) => {
    const { line, col } = pos(node);
    list.push({ file, line, col, message, ...(hint ? { hint } : {}) });
  };
  for (const e of doc.errors) {
    const { line, col } = lc.linePos(e.pos[0]);
    const message = `YAML: ${e.message.split('\n')[0]}`;
    errors.push({ file, line, col, message, hint: 'check the indentation and quoting on this line' });
  }
  return { doc, errors, warnings, at, pos };
}

// "did you mean" for misspelt keys and values.
export function suggest(word: string, known: readonly string[]): string {
  const best = known.map((k) => [k, distance(word.toLowerCase(), k)] as const).sort((a, b) => a[1] - b[1])[0];
  return best && best[1] <= 2 && word !== '' ? `; did you mean '${best[0]}'?` : '';
}

// Levenshtein distance, enough for short keys.
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
