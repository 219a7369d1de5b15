// How gene paths read to people: a rule's `optional` gene says whether the rule is on, so it reads
// `enabled: true/false` (the play file's `optional: true` key declared the gene; its value is not
// whether the rule is optional).

export function geneLabel(path: string): string {
  return path.replace(/\.optional$/, '.enabled');
}

/** A gene listing ({path: value}) with readable keys, in the same order. */
export function labelGenes<V>(params: Readonly<Record<string, V>>): Record<string, V> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [geneLabel(k), v]));
}
