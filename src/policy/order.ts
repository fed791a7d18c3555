// Topological order of units by their `after` edges; ties keep the given order.
export interface Ordered {
  order: string[];
  // The units left on a cycle, when there is one.
  cycle: string[];
}

// Only edges between the given units count, but an edge through a unit left out still orders:
// a after b after c, with b absent, still puts c before a.
export function topoOrder(units: readonly string[], afterOf: (unit: string) => readonly string[]): Ordered {
  const wanted = new Set(units);
  const reach = (u: string, seen = new Set<string>()): Set<string> => {
    for (const dep of afterOf(u)) {
      if (!seen.has(dep)) {
        seen.add(dep);
        reach(dep, seen);
      }
    }
    return seen;
  };
  const deps = new Map(units.map((u) => [u, [...reach(u)].filter((d) => wanted.has(d) && d !== u)]));
  const order: string[] = [];
  const done = new Set<string>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const u of units) {
      if (done.has(u) || !deps.get(u)!.every((d) => done.has(d))) continue;
      order.push(u);
      done.add(u);
      progress = true;
      break; // restart from the front so ties keep the given order
    }
  }
  return { order, cycle: units.filter((u) => !done.has(u)) };
}
