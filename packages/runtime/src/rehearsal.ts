// @zerochat/runtime/rehearsal: the cold-start rehearsal that warms a bundle's code cache.
// An entry of its own, imported with import() only by `--warm-code-cache`, so that a
// function's production bundle, and the code cache of its start, carry none of it.
export {
  type RehearsalAccount,
  type RehearsalOptions,
  type RehearsalRequest,
  rehearseColdStart,
} from './warm-up/rehearse-cold-start.ts';
