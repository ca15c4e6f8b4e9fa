// Evaluation: detections vs WIDER FACE ground truth with the official protocol, the paper's
// precision/recall at delta, Threshold-F_beta / AF_beta and attack criteria; submission files.
export * from './types.js';
export * from './widerIoU.js';
export * from './imageMatching.js';
export * from './rankedOutcomes.js';
export * from './operatingPoint.js';
export * from './averagePrecision.js';
export * from './fBeta.js';
export * from './criteria.js';
export * from './falsePositives.js';
export * from './evaluateDetections.js';
export * from './submissionFormat.js';
export * from './submissionFiles.js';
export * from './detectionSource.js';
export * from './evaluateDataset.js';
