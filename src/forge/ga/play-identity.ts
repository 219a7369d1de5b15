import { describePlay, type Play, type PlaySpace } from '../../engine/play/index.js';
import { playKeyOf, resolveKept } from '../eval/resolved-plays.js';
import type { Identity } from './evaluated.js';

/**
 * A play's canonical form: the resolved play in words names every feature, parameter, rule, exit,
 * size and cost it uses, so genomes that differ only in genes that cannot matter (an unchosen option's
 * parameters, an optional rule or stop that is off) have one identity: evaluated once, one hall-of-fame place.
 */
export function playIdentity(space: PlaySpace): Identity {
  // memoKey: genomes that differ only in genes of switched-off rules or stops resolve alike, so a memo
  // of identities keyed this way answers them without resolving (effectiveKeyOf).
  return Object.assign((genome: readonly number[]) => identityOf(resolveKept(space, genome)), {
    memoKey: playKeyOf(space),
  });
}

/** The identity of a resolved play (what playIdentity returns for its genome). */
export function identityOf(play: Play): string {
  return describePlay(play).join('\n') + `\nend of data: ${play.exit.endOfData ?? 'close'}`;
}
