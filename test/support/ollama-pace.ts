import { askOllamaDirectly } from './own-ollama.ts';

/**
 * How long the tiny model on `host` takes per generated token right now, in ms. Time limits
 * set from it follow the machine's load: a busy machine slows the measured pace and the work
 * it limits alike.
 */
export async function ollamaMsPerToken(host: string, tokens = 100): Promise<number> {
  await askOllamaDirectly(host, 1); // loads the model: the pace is of generation alone
  return (await askOllamaDirectly(host, tokens)) / tokens;
}
