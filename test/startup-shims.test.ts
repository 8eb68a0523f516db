import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saslprep } from '@mongodb-js/saslprep';
import { build } from 'esbuild';
import { ConnectionString } from 'mongodb-connection-string-url';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startupShims } from '../tools/startup-shims.ts';

// The function bundles parse MongoDB connection strings with Node's URL in place of
// whatwg-url (tools/bundle-shims). Both implement the WHATWG URL standard; this holds the
// shimmed parser to the original on the strings people write.
let shimmed: typeof ConnectionString;
let lazySaslprep: typeof saslprep;
let shimmedZod: typeof z;

beforeAll(async () => {
  const outfile = join(await mkdtemp(join(tmpdir(), 'zerochat-shims-')), 'shimmed.mjs');
  await build({
    stdin: {
      contents: `export { ConnectionString } from 'mongodb-connection-string-url';
export { saslprep } from '@mongodb-js/saslprep';
export { z } from 'zod';`,
      resolveDir: process.cwd(),
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    plugins: [startupShims],
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'error',
  });
  ({
    ConnectionString: shimmed,
    saslprep: lazySaslprep,
    z: shimmedZod,
  } = (await import(outfile)) as {
    ConnectionString: typeof ConnectionString;
    saslprep: typeof saslprep;
    z: typeof z;
  });
});

const CONNECTION_STRINGS = [
  'mongodb://localhost:27017',
  'mongodb://127.0.0.1:27017/zerochat',
  'mongodb://zerochat:s3cr%40t%2Fp%3Ass@mongodb-0.mongodb.zerochat.svc.cluster.local:27017/zerochat?authSource=admin',
  'mongodb://user:pass@a.example:27017,b.example:27018,c.example/db?replicaSet=rs0&readPreference=secondaryPreferred',
  'mongodb+srv://user:pass@cluster0.abcde.mongodb.net/zerochat?retryWrites=true&w=majority&appName=zerochat',
  'mongodb://[::1]:27017/?directConnection=true',
  'mongodb://[fe80::1%25eth0]:27017/',
  'mongodb://%2Ftmp%2Fmongodb-27017.sock/db',
  'mongodb://user@host/?authMechanism=MONGODB-X509&tls=true&tlsCAFile=%2Fetc%2Fca.pem',
  'mongodb://host/db?maxPoolSize=50&serverSelectionTimeoutMS=3000&compressors=zstd,zlib',
  'mongodb://bücher.example/db',
  'mongodb://HOST.Example.COM:27017/DB',
];

const view = (url: ConnectionString) => ({
  href: url.href,
  hosts: url.hosts,
  username: url.username,
  password: url.password,
  pathname: url.pathname,
  isSRV: url.isSRV,
  params: [...url.searchParams.entries()],
  readPreference: url.searchParams.get('READPREFERENCE'),
  redacted: url.redact().href,
});

// Strings the driver's parser refuses or takes apart in odd ways: both parsers must agree.
const ODD = [
  'http://localhost',
  'mongodb://',
  'mongodb://host:notaport/db',
  'mongodb+srv://a.example:27017/',
  'mongodb://a b/',
];

const outcome = (parse: () => ConnectionString) => {
  try {
    return view(parse());
  } catch (error) {
    return { threw: (error as Error).name };
  }
};

describe('connection strings through the URL shim', () => {
  it.each(CONNECTION_STRINGS)('parses %s as whatwg-url does', (text) => {
    expect(view(new shimmed(text))).toEqual(view(new ConnectionString(text)));
  });

  it.each(ODD)('treats %s as whatwg-url does', (text) => {
    expect(outcome(() => new shimmed(text))).toEqual(outcome(() => new ConnectionString(text)));
  });

  it('refuses what is not a MongoDB connection string', () => {
    expect(outcome(() => new shimmed('http://localhost'))).toHaveProperty('threw');
  });
});

// SCRAM-SHA-256 passwords go through saslprep, which the bundles load on first use.
describe('saslprep loaded on first use', () => {
  it.each(['zerochat', 'I\u00ADX', '\u2168', 'ß-Straße', '\u00AA'])('prepares %j as the original does', (text) => {
    expect(lazySaslprep(text)).toBe(saslprep(text));
  });

  it('refuses prohibited characters as the original does', () => {
    expect(() => saslprep('\u0007')).toThrow();
    expect(() => lazySaslprep('\u0007')).toThrow();
  });
});

// The bundles keep zod's English locale only (tools/bundle-shims/zod-locales.js).
describe('zod with its English locale only', () => {
  it('has the English locale, the one it sets by default', () => {
    expect(Object.keys(shimmedZod.locales)).toEqual(['en']);
    expect(Object.keys(z.locales).length).toBeGreaterThan(40);
  });

  it('words its errors as zod does', () => {
    const schema = (zod: typeof z) =>
      zod.strictObject({
        email: zod.email(),
        name: zod.string().min(2).max(5),
        age: zod.number().int().positive(),
        role: zod.enum(['user', 'admin']),
        tags: zod.array(zod.string()).max(1),
      });
    const input = { email: 'nope', name: 'a', age: -1.5, role: 'root', tags: [1, 'b'], extra: true };
    const issues = (zod: typeof z) => schema(zod).safeParse(input).error?.issues;
    expect(issues(shimmedZod)).toEqual(issues(z));
    expect(issues(shimmedZod)?.length).toBeGreaterThan(5);
  });
});
