// Reads an Ollama Modelfile (https://docs.ollama.com/modelfile) into the fields of Ollama's
// create API, so a model can be made from it without the `ollama` CLI: FROM, SYSTEM, TEMPLATE
// and PARAMETER. Other instructions (ADAPTER, LICENSE, MESSAGE, ...) are refused rather than
// silently left out.

export type ModelParameter = number | boolean | string | string[];

export interface Modelfile {
  from: string;
  system?: string;
  template?: string;
  /** Typed as the create API wants them: numbers, booleans, strings; `stop` is a list. */
  parameters: Record<string, ModelParameter>;
}

export class ModelfileError extends Error {
  override readonly name = 'ModelfileError';

  constructor(line: number, message: string) {
    super(`Modelfile line ${line}: ${message}`);
  }
}

/** Parameters Ollama takes several times, collected into a list. */
const LIST_PARAMETERS = new Set(['stop']);

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function typed(value: string): number | boolean | string {
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  return unquote(value);
}

export function parseModelfile(text: string): Modelfile {
  const lines = text.split(/\r?\n/);
  const result: Partial<Modelfile> & { parameters: Record<string, ModelParameter> } = { parameters: {} };
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const line = (lines[index] ?? '').trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(\w+)\s+([\s\S]*)$/.exec(line);
    if (!match) throw new ModelfileError(lineNumber, `"${line}" is not an instruction and its argument`);
    const instruction = (match[1] ?? '').toUpperCase();
    let argument = (match[2] ?? '').trim();
    if (argument.startsWith('"""')) {
      // A triple-quoted value runs until the next """, possibly lines later.
      let body = argument.slice(3);
      while (!body.includes('"""')) {
        index++;
        if (index >= lines.length) throw new ModelfileError(lineNumber, 'unterminated """');
        body += `\n${lines[index]}`;
      }
      argument = body.slice(0, body.indexOf('"""'));
    } else {
      argument = unquote(argument);
    }
    switch (instruction) {
      case 'FROM':
        result.from = argument;
        break;
      case 'SYSTEM':
        result.system = argument;
        break;
      case 'TEMPLATE':
        result.template = argument;
        break;
      case 'PARAMETER': {
        const parameter = /^(\w+)\s+(.+)$/.exec(argument);
        if (!parameter?.[1] || !parameter[2])
          throw new ModelfileError(lineNumber, 'PARAMETER needs a name and a value');
        const [, name, value] = parameter;
        if (LIST_PARAMETERS.has(name)) {
          const list = result.parameters[name];
          result.parameters[name] = [...(Array.isArray(list) ? list : []), unquote(value.trim())];
        } else {
          result.parameters[name] = typed(value.trim());
        }
        break;
      }
      default:
        throw new ModelfileError(
          lineNumber,
          `${instruction} is not supported here (FROM, SYSTEM, TEMPLATE, PARAMETER)`,
        );
    }
  }
  if (!result.from) throw new ModelfileError(lines.length, 'FROM is missing');
  return { ...result, from: result.from };
}

/** Ollama's name for `name`: a name without a tag means ":latest". */
export function canonicalModelName(name: string): string {
  const tagAt = name.indexOf(':', name.lastIndexOf('/') + 1);
  return tagAt === -1 ? `${name}:latest` : name;
}
