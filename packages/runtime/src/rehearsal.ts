// @zerochat/runtime/rehearsal: the cold-start rehearsal that warms a bundle's code cache.
// An entry of its own, imported with import() only by `--warm-code-cache` and so bundled as a
// file of its own (tools/bundle-function.ts): a function's start, and the code cache of it,
// carry none of it or of its stand-in MongoDB.
export {
  type RehearsalAccount,
  type RehearsalOptions,
  type RehearsalRequest,
  rehearseColdStart,
} from './warm-up/rehearse-cold-start.ts';
