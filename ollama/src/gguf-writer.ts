// Writes GGUF version 3 files (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md):
// header, metadata key/values, tensor infos, then 32-byte-aligned tensor data.

const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
const GGUF_VERSION = 3;
const ALIGNMENT = 32;

const ValueType = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9 } as const;
const TENSOR_TYPE_F32 = 0;

/** A metadata value; arrays hold one element type, as GGUF requires. */
export type GgufValue =
  | { type: 'u32' | 'i32' | 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'array'; of: 'i32' | 'f32'; values: readonly number[] }
  | { type: 'array'; of: 'string'; values: readonly string[] };

export interface GgufTensor {
  name: string;
  /** ggml order: the first dimension is the innermost (contiguous) one. */
  shape: readonly number[];
  data: Float32Array;
}

class ByteSink {
  #chunks: Buffer[] = [];
  length = 0;

  push(buffer: Buffer): void {
    this.#chunks.push(buffer);
    this.length += buffer.length;
  }

  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.push(b);
  }

  i32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value);
    this.push(b);
  }

  u64(value: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.push(b);
  }

  f32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.push(b);
  }

  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }

  padTo(alignment: number): void {
    const rest = this.length % alignment;
    if (rest) this.push(Buffer.alloc(alignment - rest));
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}

function writeValue(sink: ByteSink, value: GgufValue): void {
  sink.u32(ValueType[value.type]);
  switch (value.type) {
    case 'u32':
      sink.u32(value.value);
      return;
    case 'i32':
      sink.i32(value.value);
      return;
    case 'f32':
      sink.f32(value.value);
      return;
    case 'bool':
      sink.push(Buffer.from([value.value ? 1 : 0]));
      return;
    case 'string':
      sink.string(value.value);
      return;
    case 'array':
      sink.u32(ValueType[value.of]);
      sink.u64(value.values.length);
      if (value.of === 'string') for (const item of value.values as readonly string[]) sink.string(item);
      else if (value.of === 'i32') for (const item of value.values as readonly number[]) sink.i32(item);
      else for (const item of value.values as readonly number[]) sink.f32(item);
      return;
  }
}

/** Serialises metadata and F32 tensors into one GGUF file image. */
export function encodeGguf(metadata: ReadonlyMap<string, GgufValue>, tensors: readonly GgufTensor[]): Buffer {
  const sink = new ByteSink();
  sink.u32(GGUF_MAGIC);
  sink.u32(GGUF_VERSION);
  sink.u64(tensors.length);
  sink.u64(metadata.size);
  for (const [key, value] of metadata) {
    sink.string(key);
    writeValue(sink, value);
  }

  let offset = 0;
  for (const tensor of tensors) {
    const elements = tensor.shape.reduce((a, b) => a * b, 1);
    if (elements !== tensor.data.length)
      throw new Error(`${tensor.name}: shape holds ${elements}, data ${tensor.data.length}`);
    sink.string(tensor.name);
    sink.u32(tensor.shape.length);
    for (const dim of tensor.shape) sink.u64(dim);
    sink.u32(TENSOR_TYPE_F32);
    sink.u64(offset);
    offset += Math.ceil(tensor.data.byteLength / ALIGNMENT) * ALIGNMENT;
  }

  sink.padTo(ALIGNMENT);
  for (const tensor of tensors) {
    sink.push(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    sink.padTo(ALIGNMENT);
  }
  return sink.toBuffer();
}
