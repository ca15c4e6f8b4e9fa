export * from './workloads.js';
export * from './runBench.js';
