// Every CLI command, one module each; each exports `register(program)`.
import type { Command } from 'commander';
import { register as attack } from './attack.js';
import { register as bench } from './bench.js';
import { register as compare } from './compare.js';
import { register as dataset } from './dataset.js';
import { register as detectors } from './detectors.js';
import { register as evaluate } from './evaluate.js';
import { register as methods } from './methods.js';
import { register as detect } from './detect.js';
import { register as demo } from './demo.js';
import { register as render } from './render.js';
import { register as trainDetector } from './trainDetector.js';

export const commandModules: ((program: Command) => void)[] = [demo, dataset, detectors, detect, methods, attack, evaluate, compare, render, trainDetector, bench];
