import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '@zerochat/local-services';
import type { KubernetesObject } from './kustomize.ts';

// Validation of rendered Kubernetes objects against the schemas that kubernetes-models,
// @kubernetes-models/knative and @kubernetes-models/prometheus-operator carry (core, Serving,
// Eventing, Sources, the Prometheus operator's monitors). Their validators catch
// wrong types and missing required fields but let unknown fields through, so unknownFields()
// walks each object along the models' type declarations and reports every field they lack.

/** apiVersion → the module whose exports are the models of that group/version. */
const MODEL_MODULES: Readonly<Record<string, string>> = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'rbac.authorization.k8s.io/v1': 'kubernetes-models/rbac.authorization.k8s.io/v1',
  'serving.knative.dev/v1': '@kubernetes-models/knative/serving.knative.dev/v1',
  'eventing.knative.dev/v1': '@kubernetes-models/knative/eventing.knative.dev/v1',
  'eventing.knative.dev/v1alpha1': '@kubernetes-models/knative/eventing.knative.dev/v1alpha1',
  'sources.knative.dev/v1': '@kubernetes-models/knative/sources.knative.dev/v1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
};

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/**
 * What the API server accepts but the models' schemas do not: kustomize folds long base64
 * Secret values over several lines (Go's base64 decoder skips the newlines), and the
 * SinkBinding schema marks `status` as required, which only the controller ever writes.
 */
function asTheApiServerReadsIt(object: KubernetesObject): KubernetesObject {
  if (object.kind === 'Secret' && object.data) {
    const data = Object.entries(object.data as Record<string, string>).map(([key, value]) => [
      key,
      value.replace(/\s/g, ''),
    ]);
    return { ...object, data: Object.fromEntries(data) };
  }
  if (object.kind === 'SinkBinding' && !object.status) return { ...object, status: {} };
  return object;
}

/** Errors of the model's own schema validation (types, required fields, enums). */
export async function schemaErrors(object: KubernetesObject): Promise<string[]> {
  const module = MODEL_MODULES[object.apiVersion];
  if (!module) return [`no schema known for apiVersion ${object.apiVersion}`];
  const models = (await import(module)) as Record<string, ModelClass>;
  const Model = models[object.kind];
  if (!Model) return [`no schema known for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(asTheApiServerReadsIt(object)).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

type FieldType =
  | { kind: 'object'; file: string }
  | { kind: 'array'; of: FieldType }
  | { kind: 'map'; of: FieldType }
  | { kind: 'unchecked' };

const declarationCache = new Map<string, Map<string, FieldType> | undefined>();

function resolveImport(fromFile: string, specifier: string): string {
  const base = specifier.startsWith('.')
    ? join(dirname(fromFile), specifier)
    : join(REPO_ROOT, 'node_modules', specifier);
  const file = `${base.replace(/\.js$/, '')}.d.ts`;
  if (!existsSync(file)) throw new Error(`cannot resolve ${specifier} from ${fromFile}`);
  return file;
}

/** Splits the property declarations of the class block into name → type text. */
function classProperties(text: string): Array<[string, string]> {
  const start = text.indexOf('export declare class');
  if (start < 0) return [];
  const body = text.slice(text.indexOf('{', start) + 1);
  const properties: Array<[string, string]> = [];
  let index = 0;
  while (index < body.length) {
    const match = /^\s*"([^"]+)"\??: /.exec(body.slice(index));
    if (!match) break;
    index += match[0].length;
    let depth = 0;
    let end = index;
    for (; end < body.length; end++) {
      const char = body[end];
      if (char === '{' || char === '<' || char === '(') depth++;
      else if (char === '}' || char === '>' || char === ')') depth--;
      else if (char === ';' && depth === 0) break;
    }
    properties.push([match[1] ?? '', body.slice(index, end).trim()]);
    index = end + 1;
  }
  return properties;
}

function fieldType(typeText: string, imports: Map<string, string>): FieldType {
  const array = /^Array<(.+)>$/s.exec(typeText);
  if (array) return { kind: 'array', of: fieldType(array[1] ?? '', imports) };
  const map = /^\{\s*\[key: string\]: (.+?);?\s*\}$/s.exec(typeText);
  if (map) return { kind: 'map', of: fieldType(map[1] ?? '', imports) };
  const file = imports.get(typeText);
  return file ? { kind: 'object', file } : { kind: 'unchecked' };
}

/** The fields a model declares, or undefined when the type has no object shape to check. */
function declaredFields(file: string): Map<string, FieldType> | undefined {
  if (declarationCache.has(file)) return declarationCache.get(file);
  const text = readFileSync(file, 'utf8').replace(/\/\*\*[\s\S]*?\*\//g, '');
  const imports = new Map<string, string>();
  for (const [, names = '', specifier = ''] of text.matchAll(/import \{([^}]+)\} from "([^"]+)";/g)) {
    if (specifier === '@kubernetes-models/base') continue;
    for (const name of names.split(',').map(
      (part) =>
        part
          .trim()
          .split(/\s+as\s+/)
          .pop() ?? '',
    )) {
      if (name) imports.set(name, resolveImport(file, specifier));
    }
  }
  const properties = classProperties(text);
  const fields = properties.length
    ? new Map(properties.map(([name, type]) => [name, fieldType(type, imports)] as const))
    : undefined;
  declarationCache.set(file, fields);
  return fields;
}

function modelFile(object: KubernetesObject): string {
  const module = MODEL_MODULES[object.apiVersion];
  if (!module) throw new Error(`no schema known for apiVersion ${object.apiVersion}`);
  return join(REPO_ROOT, 'node_modules', module, `${object.kind}.d.ts`);
}

function walk(value: unknown, type: FieldType, path: string, found: string[]): void {
  if (value === null || value === undefined || type.kind === 'unchecked') return;
  if (type.kind === 'array') {
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) walk(item, type.of, `${path}/${index}`, found);
    }
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value)) return;
  if (type.kind === 'map') {
    for (const [key, item] of Object.entries(value)) walk(item, type.of, `${path}/${key}`, found);
    return;
  }
  const fields = declaredFields(type.file);
  if (!fields) return;
  for (const [key, item] of Object.entries(value)) {
    const field = fields.get(key);
    if (field) walk(item, field, `${path}/${key}`, found);
    else found.push(`${path}/${key}`);
  }
}

/** JSON pointers of every field the object's schema does not declare (a typo, or a wrong level). */
export function unknownFields(object: KubernetesObject): string[] {
  const found: string[] = [];
  walk(object, { kind: 'object', file: modelFile(object) }, '', found);
  return found;
}
