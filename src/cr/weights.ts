// Checkpoint files in the safetensors layout: an 8-byte little-endian header length, a UTF-8 JSON
// header {name: {dtype: "F32", shape, data_offsets: [begin, end]}, "__metadata__": {k: string}},
// then the raw little-endian float32 bytes. Names are dotted tree paths ("layers.0.wqkv").
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { z } from "zod";

/** Named host tensors. */
export type TensorMap = Map<string, { shape: number[]; data: Float32Array }>;

const EntrySchema = z.object({
  dtype: z.literal("F32"),
  shape: z.array(z.number().int().min(0)),
  data_offsets: z.tuple([z.number().int(), z.number().int()]),
});

/** Serialises tensors and string metadata to safetensors bytes. */
export function encodeSafetensors(t: TensorMap, meta: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: meta };
  let off = 0;
  for (const [name, { shape, data }] of t) {
    header[name] = { dtype: "F32", shape, data_offsets: [off, off + data.byteLength] };
    off += data.byteLength;
  }
  let json = JSON.stringify(header);
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += " "; // keep the data 8-byte aligned
  const hb = Buffer.from(json, "utf8");
  const out = new Uint8Array(8 + hb.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  let p = 8 + hb.length;
  for (const { data } of t.values()) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), p);
    p += data.byteLength;
  }
  return out;
}

/** Parses safetensors bytes (F32 only). */
export function decodeSafetensors(buf: Uint8Array): { tensors: TensorMap; meta: Record<string, string> } {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  const header = JSON.parse(Buffer.from(buf.subarray(8, 8 + n)).toString("utf8")) as Record<string, unknown>;
  const base = 8 + n;
  const tensors: TensorMap = new Map();
  let meta: Record<string, string> = {};
  for (const [name, v] of Object.entries(header)) {
    if (name === "__metadata__") {
      meta = z.record(z.string(), z.string()).parse(v);
      continue;
    }
    const e = EntrySchema.parse(v);
    const bytes = buf.slice(base + e.data_offsets[0], base + e.data_offsets[1]);
    tensors.set(name, {
      shape: e.shape,
      data: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4),
    });
  }
  return { tensors, meta };
}

/** Writes atomically (temp file + rename), so an interrupt never leaves a torn checkpoint. */
export function saveSafetensors(path: string, t: TensorMap, meta: Record<string, string> = {}): void {
  writeFileSync(`${path}.tmp`, encodeSafetensors(t, meta));
  renameSync(`${path}.tmp`, path);
}

/** Reads a safetensors file. */
export function loadSafetensors(path: string): { tensors: TensorMap; meta: Record<string, string> } {
  return decodeSafetensors(new Uint8Array(readFileSync(path)));
}
