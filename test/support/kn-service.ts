// What `kn service apply` makes of its flags (knative/client, pkg/commands/service and
// pkg/flags/podspec_helper.go), for the flags zerochat's scripts pass. An unknown flag throws,
// so a flag added to a script cannot slip past the comparison with the YAML.

/** Splits a line printed with bash's `printf %q` back into its words. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let started = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index] ?? '';
    if (char === '\\') {
      word += line[++index] ?? '';
      started = true;
    } else if (char === "'") {
      const end = line.indexOf("'", index + 1);
      word += line.slice(index + 1, end);
      index = end;
      started = true;
    } else if (char === ' ') {
      if (started) words.push(word);
      word = '';
      started = false;
    } else {
      word += char;
      started = true;
    }
  }
  if (started) words.push(word);
  return words;
}

type Json = Record<string, unknown>;

const keyValues = (text: string) =>
  Object.fromEntries(text.split(',').map((pair) => pair.split('=') as [string, string]));

function probe(handler: string, options?: string): Json {
  const [type, host, port, path] = handler.split(':');
  if (type !== 'http' || host !== '') throw new Error(`unsupported probe ${handler}`);
  const result: Json = { httpGet: { path, ...(port ? { port: Number(port) } : {}) } };
  for (const [key, value] of Object.entries(options ? keyValues(options) : {})) {
    result[key.charAt(0).toLowerCase() + key.slice(1)] = Number(value);
  }
  return result;
}

/** kn's autoscaling flags and the revision annotations they set. */
const SCALE_ANNOTATIONS: Readonly<Record<string, string>> = {
  '--scale-min': 'min-scale',
  '--scale-max': 'max-scale',
  '--scale-target': 'target',
};

const STRICT_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The Knative Service that `kn service apply NAME <flags>` declares (without kn's own bookkeeping annotations). */
export function knServiceFromArgs(args: readonly string[]): Json {
  const [command, verb, name, ...flags] = args;
  if (command !== 'service' || verb !== 'apply' || !name) throw new Error(`not kn service apply: ${args.join(' ')}`);
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  const spec: Json = {};
  const container: Json = { name };
  const envFrom: Json[] = [];
  const env: Json[] = [];
  const resources: Record<string, Record<string, string>> = {};
  let namespace: string | undefined;
  const probes: Partial<Record<'readinessProbe' | 'livenessProbe', { handler: string; options?: string }>> = {};
  for (let index = 0; index < flags.length; index++) {
    const flag = flags[index];
    const value = () => {
      const next = flags[++index];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    const annotation = SCALE_ANNOTATIONS[flag ?? ''];
    if (annotation) {
      annotations[`autoscaling.knative.dev/${annotation}`] = value();
      continue;
    }
    switch (flag) {
      case '--namespace':
        namespace = value();
        break;
      case '--image':
        container.image = value();
        break;
      case '--port': {
        const [portName, port] = value().split(':');
        container.ports = [{ name: portName, containerPort: Number(port) }];
        break;
      }
      case '--cluster-local':
        labels['networking.knative.dev/visibility'] = 'cluster-local';
        break;
      case '--label-service': {
        const [key = '', label = ''] = value().split('=');
        labels[key] = label;
        break;
      }
      case '--concurrency-limit':
        spec.containerConcurrency = Number(value());
        break;
      case '--timeout':
        spec.timeoutSeconds = Number(value());
        break;
      case '--service-account':
        spec.serviceAccountName = value();
        break;
      case '--env-from': {
        const [kind, source] = value().split(':');
        envFrom.push(kind === 'cm' ? { configMapRef: { name: source } } : { secretRef: { name: source } });
        break;
      }
      case '--env-value-from': {
        const [variable = '', reference = ''] = value().split('=');
        const [kind, source, key] = reference.split(':');
        if (kind !== 'secret') throw new Error(`unsupported --env-value-from ${reference}`);
        env.push({ name: variable, valueFrom: { secretKeyRef: { name: source, key } } });
        break;
      }
      case '--env': {
        const [variable = '', ...rest] = value().split('=');
        env.push({ name: variable, value: rest.join('=') });
        break;
      }
      case '--request':
      case '--limit':
        resources[flag === '--request' ? 'requests' : 'limits'] = keyValues(value());
        break;
      case '--probe-readiness':
      case '--probe-liveness':
      case '--probe-readiness-opts':
      case '--probe-liveness-opts': {
        const kind = flag.includes('readiness') ? 'readinessProbe' : 'livenessProbe';
        const parts = probes[kind] ?? { handler: '' };
        if (flag.endsWith('-opts')) parts.options = value();
        else parts.handler = value();
        probes[kind] = parts;
        break;
      }
      case '--security-context':
        if (value() !== 'strict') throw new Error('only --security-context strict is known');
        container.securityContext = STRICT_SECURITY_CONTEXT;
        break;
      default:
        throw new Error(`kn flag ${flag} is not known to this test`);
    }
  }
  if (envFrom.length) container.envFrom = envFrom;
  if (env.length) container.env = env;
  for (const [kind, { handler, options }] of Object.entries(probes)) container[kind] = probe(handler, options);
  if (Object.keys(resources).length) container.resources = resources;
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name, ...(namespace ? { namespace } : {}), labels },
    spec: { template: { metadata: { annotations }, spec: { ...spec, containers: [container] } } },
  };
}
