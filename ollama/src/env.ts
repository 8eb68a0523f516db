import { envHttpUrl } from '@zerochat/runtime';
import { z } from 'zod';
import { canonicalModelName } from './modelfile.ts';

/** An Ollama model name; a name without a tag means ":latest", so it is stored with one. */
export const ollamaModelName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/, 'must be an Ollama model name such as "gemma3:270m"')
  .transform(canonicalModelName);

/** The variables of every function that talks to Ollama (chat and admin). */
export const ollamaEnv = {
  /** Ollama's base URL; "host:port" alone means http. */
  OLLAMA_HOST: envHttpUrl('http://ollama:11434').default('http://127.0.0.1:11434'),
  /** The model that answers: chat's default, created by the admin bootstrap from ollama/Modelfile. */
  ZEROCHAT_MODEL: ollamaModelName.default(canonicalModelName('zerochat')),
};
