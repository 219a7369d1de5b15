import { describePlay, type Play, type PlaySpace } from '../../engine/play/index.js';
import { resolveKept } from '../eval/resolved-plays.js';
import type { Identity } from './evaluated.js';

/**
 * A play's canonical form: the resolved play in words names every feature, parameter, rule, exit,
 * size and cost it uses, so genomes that differ only in genes that cannot matter (an unchosen option's
 * parameters, an optional rule or stop that is off) have one identity: evaluated once, one hall-of-fame place.
 */
export function playIdentity(space: PlaySpace): Identity {
  return (genome) => identityOf(resolveKept(space, genome));
}

/** The identity of a resolved play (what playIdentity returns for its genome). */
export function identityOf(play: Play): string {
  return describePlay(play).join('\n') + `\nend of data: ${play.exit.endOfData ?? 'close'}`;
}
