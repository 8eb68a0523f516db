/**
 * How long `host` takes per generated token of `model` right now, in ms (one reply of `tokens`
 * tokens, model already loaded or not). Time limits set from it follow the machine's load:
 * a busy machine slows the measured pace and the work it limits alike.
 */
export async function ollamaMsPerToken(host: string, model: string, tokens = 100): Promise<number> {
  const ask = async (count: number) => {
    const started = performance.now();
    const response = await fetch(`${host}/api/generate`, {
      method: 'POST',
      body: JSON.stringify({ model, prompt: 'pace', stream: false, options: { num_predict: count } }),
    });
    if (!response.ok) throw new Error(`Ollama answered ${response.status} while measuring its pace`);
    await response.json();
    return performance.now() - started;
  };
  await ask(1); // loads the model: the pace is of generation alone
  return (await ask(tokens)) / tokens;
}
