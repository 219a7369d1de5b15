import { createHash } from 'node:crypto';
import { RecentFirst } from './digest-recent.js';
import { DigestRuns } from './digest-runs.js';
import { type DigestMap, DigestTable, type DigestWords } from './digest-table.js';
import { genomeKey } from './genome.js';

// What a search has already paid for, by genome and by strategy identity. It is rebuilt from a run's
// per-generation evaluation files on resume (runs/evaluated-files.ts), so it never enters the checkpoint:
// the checkpoint stays O(population) however long the run. Only fitness is kept per play (8 bytes and a
// key), because a cached play only needs its fitness for selection; its full record was written to the
// generation's file and considered for the hall of fame when it was first evaluated. The fitness is
// kept under 96 bits of the identity's digest, outside V8's heap: ~25 bytes an evaluation in memory
// (digest-table.ts), ~1.5-3 with a run folder to write to, as evolve has (digest-runs.ts: sorted runs
// on disk and a filter), recent keys answered from memory (digest-recent.ts).

/**
 * Genome -> strategy identity. `memoKey`, when given, keys the memo of identities: it must be equal for
 * two genomes only when their identities are (default: the genome itself).
 */
export type Identity = ((genome: readonly number[]) => string) & {
  readonly memoKey?: (genome: readonly number[]) => string;
};

const MEMO_LIMIT = 20_000;

/**
 * A play's identity is its description (hundreds of bytes); the memo and the hall of fame use a 132-bit
 * digest of it instead, and the evaluated table the first 96 bits of that digest.
 */
const digestOf = (id: string): string => createHash('sha1').update(id).digest('base64').slice(0, 22);

/** The table key of a digest made by digestOf: its first 16 base64 digits (96 bits) as three words. */
export function digestWords(digest: string): DigestWords {
  const b = Buffer.from(digest.slice(0, 16), 'base64');
  // Word 0 = 0 marks an empty slot, so 0 and 1 share a key there (a 2^-96 chance, like a collision).
  return [b.readUInt32BE(0) || 1, b.readUInt32BE(4), b.readUInt32BE(8)];
}

/** The table key of any other identity (the default one: the genome itself). */
const wordsOf = (id: string): DigestWords => digestWords(createHash('sha1').update(id).digest('base64'));

export class EvaluatedSet {
  /**
   * Fitness by identity, only: the search evaluates one genome per identity (has() is asked first), and
   * plays with one identity cannot differ, so a second map by genome key held the same fitness again
   * (~140 of ~250 bytes per evaluation, the largest share of a long run's heap growth).
   */
  private readonly byIdentity: DigestMap;
  /** The table key of an identity string: identities are digests already unless identity is genomeKey. */
  private readonly keyOf: (id: string) => DigestWords;

  /** Identities by genome key, the newest MEMO_LIMIT / 2 in `memo`, the ones before in `olderMemo`. */
  private memo = new Map<string, string>();
  private olderMemo = new Map<string, string>();
  readonly identity: Identity;
  private readonly memoKey: (genome: readonly number[]) => string;

  /**
   * `identity` maps genomes that cannot behave differently to one string (default: the genome itself).
   * A play's identity resolves the play (about 0.3 ms), and one generation asks for the same genome's
   * several times (breeding, evaluating, the hall of fame), so answers are memoised as digests, in two
   * halves: when the newer fills, the older is dropped, and an answer found in the older moves back to
   * the newer. Memory stays flat over a long run, and the genomes breeding keeps proposing (clones of
   * the elites) stay memoised: dropping the whole memo at MEMO_LIMIT made 27 % of a converged search's
   * resolutions repeats (bench/long-run-rss.mjs, ~150 a generation on the coordinator).
   */
  constructor(identity: Identity = genomeKey, options: { readonly spillDir?: string | null } = {}) {
    this.byIdentity = options.spillDir ? new RecentFirst(new DigestRuns(options.spillDir)) : new DigestTable();
    this.identity = identity === genomeKey ? genomeKey : (genome) => this.memoised(genome, identity);
    this.memoKey = identity.memoKey ?? genomeKey;
    this.keyOf = identity === genomeKey ? wordsOf : digestWords;
  }

  private memoised(genome: readonly number[], identity: Identity): string {
    const key = this.memoKey(genome);
    let id = this.memo.get(key);
    if (id !== undefined) return id;
    id = this.olderMemo.get(key);
    if (id === undefined) return this.remember(key, identity(genome));
    this.keep(key, id);
    return id;
  }

  /** Memoises an identity as its digest. */
  private remember(key: string, identity: string): string {
    const id = digestOf(identity);
    this.keep(key, id);
    return id;
  }

  private keep(key: string, id: string): void {
    if (this.memo.size >= MEMO_LIMIT / 2) {
      this.olderMemo = this.memo;
      this.memo = new Map();
    }
    this.memo.set(key, id);
  }

  /**
   * Identities computed elsewhere (the pool's workers, in parallel) for genomes not memoised yet: the
   * identity is a pure function of the genome, so this only saves the coordinator's time.
   */
  prime(genomes: readonly (readonly number[])[], identities: readonly (string | null)[]): void {
    if (this.identity === genomeKey) return;
    genomes.forEach((g, i) => {
      const id = identities[i];
      if (id !== null && id !== undefined) this.remember(this.memoKey(g), id); // null: identity() says why, here
    });
  }

  /** The genomes among `genomes` whose identity is not memoised (distinct, in order). */
  unknown(genomes: readonly (readonly number[])[]): number[][] {
    if (this.identity === genomeKey) return [];
    const out = new Map<string, number[]>();
    for (const g of genomes) {
      const key = this.memoKey(g);
      if (!this.memo.has(key) && !this.olderMemo.has(key) && !out.has(key)) out.set(key, g.slice());
    }
    return [...out.values()];
  }

  /** Releases the table's file, if it has one. */
  close(): void {
    this.byIdentity.close();
  }

  /** Distinct identities evaluated (genomes, with the default identity). */
  get size(): number {
    return this.byIdentity.size;
  }

  /** Bytes the evaluated plays hold (the table's arrays; the bounded memo aside). */
  get bytes(): number {
    return this.byIdentity.bytes;
  }

  add(genome: readonly number[], fitness: number, id = this.identity(genome)): void {
    // The first play of an identity keeps it; a genome as its own identity is simply set again.
    this.byIdentity.set(this.keyOf(id), fitness, this.identity === genomeKey);
  }

  /**
   * The fitness of this genome or of an evaluated play with the same identity; undefined when neither
   * was evaluated.
   */
  fitnessOf(genome: readonly number[], id?: string): number | undefined {
    return this.byIdentity.get(this.keyOf(id ?? this.identity(genome)));
  }

  /** True when evaluating `genome` would buy nothing new: it, or a play it cannot differ from, was evaluated. */
  has(genome: readonly number[], id?: string): boolean {
    return this.byIdentity.has(this.keyOf(id ?? this.identity(genome)));
  }
}
