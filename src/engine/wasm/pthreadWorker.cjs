// Entry script of the worker threads that run the wasm backend's pthreads in Node.
// tfjs-backend-wasm ships Emscripten's pthread worker only as a string (wasm-out/*.worker.js
// exports `wasmWorkerContents`, meant for a browser Blob URL), and Node's worker_threads needs a
// file. This file evaluates that string with the CommonJS `require` and `__filename` it expects.
'use strict';
const vm = require('node:vm');
const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');

// The string was written for a template literal: its "\n" escapes inside string literals became
// real newlines, which must be escaped again before the code parses (tfjs does the same).
const source = wasmWorkerContents.replace(/\n/g, '\\n');
vm.runInThisContext(`(function (require, __filename) {${source}\n})`, {
  filename: 'tfjs-backend-wasm-threaded-simd.worker.js',
})(require, __filename);
