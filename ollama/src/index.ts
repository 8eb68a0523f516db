export { ollamaEnv, ollamaModelName } from './env.ts';
export { encodeGguf, type GgufTensor, type GgufValue } from './gguf-writer.ts';
export {
  canonicalModelName,
  type Modelfile,
  ModelfileError,
  type ModelParameter,
  parseModelfile,
} from './modelfile.ts';
export { ollamaFetch } from './ollama-fetch.ts';
export { type RegisterGgufOptions, registerGguf } from './register-gguf.ts';
export { TINY_MODEL_NAME, TINY_MODEL_TEMPLATE, tinyModelGguf } from './tiny-model.ts';
