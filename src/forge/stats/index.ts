// The statistics layer of the guards and the hall of fame: pure functions, no I/O, seeded rng in.
export * from './bootstrap.js';
export * from './concentration.js';
export * from './costs.js';
export * from './deflated-sharpe.js';
export * from './fdr.js';
export * from './normal.js';
export * from './permutation.js';
export * from './sensitivity.js';
export * from './sharpe.js';
