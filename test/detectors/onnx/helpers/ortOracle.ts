// onnxruntime-node as the oracle for the importer: runs ONNX bytes (or a file) on given inputs.
import * as ort from 'onnxruntime-node';

export interface HostArray {
  data: Float32Array | Int32Array;
  dims: number[];
}

export async function runOnnxRuntime(model: Uint8Array | string, feeds: Record<string, HostArray>): Promise<Record<string, HostArray>> {
  // logSeverityLevel 3: errors only (old exporters list initializers as inputs, which ORT warns about).
  const session =
    typeof model === 'string'
      ? await ort.InferenceSession.create(model, { logSeverityLevel: 3 })
      : await ort.InferenceSession.create(model, { logSeverityLevel: 3 });
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, f] of Object.entries(feeds)) {
      inputs[name] = new ort.Tensor(f.data instanceof Int32Array ? 'int32' : 'float32', f.data, f.dims);
    }
    const out = await session.run(inputs);
    const result: Record<string, HostArray> = {};
    for (const [name, t] of Object.entries(out)) {
      const data = t.type === 'float32' ? (t.data as Float32Array) : Int32Array.from(t.data as ArrayLike<number | bigint>, Number);
      result[name] = { data, dims: [...t.dims] };
    }
    return result;
  } finally {
    await session.release();
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
