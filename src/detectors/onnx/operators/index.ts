// Importing this module registers every supported ONNX operator.
import './elementwise.js';
import './conv.js';
import './pool.js';
import './normalization.js';
import './shape.js';
import './resize.js';
import './math.js';

export { supportedOperators, OnnxOperatorError } from './registry.js';
