// Importing this module registers every built-in detector (one import line per detector module).
import './faceapi/ssdMobilenetV1Detector.js';
import './faceapi/tinyFaceDetector.js';
import './faceapi/blazeFaceDetector.js';
import './faceapi/faceBoxesDetector.js';
import './retinaface/register.js';
import './ulfd/register.js';
import './mtcnn/register.js';
import './sln/register.js';
import './onnx/resolver.js';
export {};
