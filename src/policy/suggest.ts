// "did you mean" for misspelt keys and modes.
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
