import { encodeGguf, type GgufTensor, type GgufValue } from './gguf-writer.ts';

// A tiny, deterministic llama-architecture model for tests and offline development: two
// layers, 64-wide, a SentencePiece vocabulary of English word pieces plus the 256 byte
// tokens llama.cpp needs for byte fallback. Its weights are seeded noise, so its replies are
// gibberish, but every byte of them comes out of a real Ollama. About 0.7 MB.

export const TINY_MODEL_NAME = 'zerochat-tiny';

/** A plain chat template: the model was never trained on one, any layout will do. */
export const TINY_MODEL_TEMPLATE = `{{- if .System }}system: {{ .System }}
{{ end }}{{- range .Messages }}{{ .Role }}: {{ .Content }}
{{ end }}assistant:`;

const EMBEDDING = 64;
const FEED_FORWARD = 128;
const LAYERS = 2;
const HEADS = 4;
const CONTEXT = 2048;
const SEED = 20_261_126;

const WORDS = `the a to and of is in it you that this for on with as are be at or not have from but
what all can will one out about up so if there when your which their would make like time just know
take people into year good some could them see other than then now look only come over think also
back after use two how our work first well way even new want because any these give day most us chat
zero model reply hello world tokens stream cold start function quick brown fox jumps lazy dog`.split(/\s+/);

const LETTERS = 'abcdefghijklmnopqrstuvwxyz'.split('');
const PUNCTUATION = ['.', ',', '!', '?', "'", '-', ':'];

const TokenType = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

interface Vocabulary {
  tokens: string[];
  scores: number[];
  types: number[];
}

/** SentencePiece pieces: "▁" marks a word start; every prefix of a word is a piece, so merges reach it. */
function vocabulary(): Vocabulary {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types: number[] = [TokenType.unknown, TokenType.control, TokenType.control];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TokenType.byte);
  }
  const pieces = new Set<string>(['▁', ...LETTERS, ...PUNCTUATION]);
  for (const word of WORDS) {
    const piece = `▁${word}`;
    for (let end = 2; end <= piece.length; end++) pieces.add(piece.slice(0, end));
  }
  for (const piece of pieces) {
    tokens.push(piece);
    types.push(TokenType.normal);
  }
  // Longer pieces win merges; control and byte tokens never compete.
  const scores = tokens.map((token, i) => (types[i] === TokenType.normal ? token.length : 0));
  return { tokens, scores, types };
}

/** mulberry32: a small seeded PRNG, so the same file comes out on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Builds the model file image; the same bytes for the same seed. Another seed gives other
 * weights, for a test that needs a model Ollama runs apart: it shares one runner among the
 * models made from the same file, and lists that runner under the name that loaded it first.
 */
export function tinyModelGguf(seed = SEED): Buffer {
  const vocab = vocabulary();
  const next = random(seed);
  const noise = (count: number, scale: number) => Float32Array.from({ length: count }, () => (next() * 2 - 1) * scale);
  const ones = (count: number) => new Float32Array(count).fill(1);
  const headDim = EMBEDDING / HEADS;

  // Every embedding carries a large constant in dimension 0, so after the final norm the
  // hidden state points that way; output rows of control and byte tokens point against it,
  // which keeps the model from emitting them (no end-of-text: replies run to num_predict).
  const embeddings = noise(EMBEDDING * vocab.tokens.length, 0.5);
  const output = noise(EMBEDDING * vocab.tokens.length, 0.5);
  vocab.types.forEach((type, token) => {
    embeddings[token * EMBEDDING] = 4;
    output[token * EMBEDDING] = type === TokenType.normal ? 0 : -4;
  });

  const tensors: GgufTensor[] = [
    { name: 'token_embd.weight', shape: [EMBEDDING, vocab.tokens.length], data: embeddings },
    { name: 'output_norm.weight', shape: [EMBEDDING], data: ones(EMBEDDING) },
    { name: 'output.weight', shape: [EMBEDDING, vocab.tokens.length], data: output },
  ];
  for (let layer = 0; layer < LAYERS; layer++) {
    const block = (name: string, shape: number[], data: Float32Array) =>
      tensors.push({ name: `blk.${layer}.${name}.weight`, shape, data });
    block('attn_norm', [EMBEDDING], ones(EMBEDDING));
    block('attn_q', [EMBEDDING, EMBEDDING], noise(EMBEDDING * EMBEDDING, 0.2));
    block('attn_k', [EMBEDDING, EMBEDDING], noise(EMBEDDING * EMBEDDING, 0.2));
    block('attn_v', [EMBEDDING, EMBEDDING], noise(EMBEDDING * EMBEDDING, 0.2));
    block('attn_output', [EMBEDDING, EMBEDDING], noise(EMBEDDING * EMBEDDING, 0.2));
    block('ffn_norm', [EMBEDDING], ones(EMBEDDING));
    block('ffn_gate', [EMBEDDING, FEED_FORWARD], noise(EMBEDDING * FEED_FORWARD, 0.2));
    block('ffn_up', [EMBEDDING, FEED_FORWARD], noise(EMBEDDING * FEED_FORWARD, 0.2));
    block('ffn_down', [FEED_FORWARD, EMBEDDING], noise(FEED_FORWARD * EMBEDDING, 0.2));
  }

  const metadata = new Map<string, GgufValue>([
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: TINY_MODEL_NAME }],
    ['general.file_type', { type: 'u32', value: 0 }],
    ['llama.context_length', { type: 'u32', value: CONTEXT }],
    ['llama.embedding_length', { type: 'u32', value: EMBEDDING }],
    ['llama.block_count', { type: 'u32', value: LAYERS }],
    ['llama.feed_forward_length', { type: 'u32', value: FEED_FORWARD }],
    ['llama.attention.head_count', { type: 'u32', value: HEADS }],
    ['llama.attention.head_count_kv', { type: 'u32', value: HEADS }],
    ['llama.rope.dimension_count', { type: 'u32', value: headDim }],
    ['llama.rope.freq_base', { type: 'f32', value: 10_000 }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.vocab_size', { type: 'u32', value: vocab.tokens.length }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'array', of: 'string', values: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'array', of: 'f32', values: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'array', of: 'i32', values: vocab.types }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: 2 }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
  ]);
  return encodeGguf(metadata, tensors);
}
