// Registers the "onnx:" detector prefix: createDetector('onnx:<model.onnx>', { config }) loads any
// ONNX face detector described by a detector config (an object, or { file } / a JSON string under
// `config.file` / `config.json`, as the CLI's --detector-config passes them).
import { FacepatchError } from '../../util/errors.js';
import { registerDetectorResolver } from '../registry.js';
import { readOnnxDetectorConfig } from './detectorConfig.js';
import { createOnnxDetector } from './onnxDetector.js';

registerDetectorResolver({
  prefix: 'onnx:',
  usage: 'onnx:<model.onnx> with --detector-config <config.json or inline JSON> (see src/detectors/onnx/detectorConfig.ts)',
  async create(file, options) {
    const config = options.config;
    if (file === '') throw new FacepatchError('detector "onnx:" needs a model file: onnx:<model.onnx>');
    if (config === undefined) {
      throw new FacepatchError(`detector onnx:${file} needs a detector config (--detector-config <config.json>) naming its outputs and priors`);
    }
    if (typeof config.file === 'string' && Object.keys(config).length === 1) return createOnnxDetector(file, readOnnxDetectorConfig(config.file), config.file);
    if (typeof config.json === 'string' && Object.keys(config).length === 1) return createOnnxDetector(file, readOnnxDetectorConfig(config.json), '--detector-config');
    return createOnnxDetector(file, config);
  },
});
