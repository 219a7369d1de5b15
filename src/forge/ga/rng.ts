import seedrandom from 'seedrandom';

// The run's single random stream. Alea is fast and its state is four numbers, so a checkpoint can
// carry it exactly and a resumed run draws the same numbers an uninterrupted one would.

export type RngState = seedrandom.State.Alea;

export interface SeededRng {
  (): number;
  state(): RngState;
}

export function createRng(seed: string | number, state?: RngState): SeededRng {
  return seedrandom.alea(String(seed), { state: state ?? true }) as unknown as SeededRng;
}
