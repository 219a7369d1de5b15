import { genomeKey } from './genome.js';

// What a search has already paid for, by genome and by strategy identity. It is rebuilt from a run's
// per-generation evaluation files on resume (evolve/resume-cache.ts), so it never enters the checkpoint:
// the checkpoint stays O(population) however long the run. Only fitness is kept per play (8 bytes and a
// key), because a cached play only needs its fitness for selection; its full record was written to the
// generation's file and considered for the hall of fame when it was first evaluated.

export type Identity = (genome: readonly number[]) => string;

export class EvaluatedSet {
  private readonly byKey = new Map<string, number>();
  private readonly byIdentity = new Map<string, number>();

  /** `identity` maps genomes that cannot behave differently to one string (default: the genome itself). */
  constructor(readonly identity: Identity = genomeKey) {}

  get size(): number {
    return this.byKey.size;
  }

  add(genome: readonly number[], fitness: number, id = this.identity(genome)): void {
    this.byKey.set(genomeKey(genome), fitness);
    if (!this.byIdentity.has(id)) this.byIdentity.set(id, fitness);
  }

  /** The fitness of this genome or of an evaluated play with the same identity; undefined when neither was evaluated. */
  fitnessOf(genome: readonly number[], id?: string): number | undefined {
    return this.byKey.get(genomeKey(genome)) ?? this.byIdentity.get(id ?? this.identity(genome));
  }

  /** True when evaluating `genome` would buy nothing new: it, or a play it cannot differ from, was evaluated. */
  has(genome: readonly number[], id?: string): boolean {
    return this.byKey.has(genomeKey(genome)) || this.byIdentity.has(id ?? this.identity(genome));
  }
}
