// The tuned wasm engine: threads in Node, fast and complete gradient kernels.
export { setupWasmEngine, wasmEngineStatus, wasmThreadCount, type WasmEngineOptions, type WasmEngineStatus } from './setupWasmEngine.js';
export { defaultWasmThreadCount, MAX_WASM_THREADS } from './threadCount.js';
export * from './kernels/index.js';
export { registerWasmGradientOverrides, unregisterWasmGradientOverrides, WASM_GRADIENT_OVERRIDES } from './gradientOverrides.js';
export { clearTransformedFilterCache, transformedFilterCacheSize } from './transformedFilterCache.js';
export { transposedAxisPadding } from './transposedConv.js';
