// Reading PyTorch checkpoints in pure TypeScript (ZIP and legacy torch.save formats).
export { loadStateDict, loadCheckpoint, readCheckpointObject, isTorchTensor, type StateDictOptions } from './checkpoint.js';
export type { TorchTensor } from './torchTensor.js';
export type { TorchDType, TensorData } from './torchDtypes.js';
export { PyObject, type PyValue, type PyKey, type PyGlobal } from './pythonValues.js';
export { unpickle, type UnpicklerHooks, type PickleSource } from './pickleMachine.js';
export { ZipArchive } from './zipArchive.js';
