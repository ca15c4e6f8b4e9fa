// Every CLI command, one module each; each exports `register(program)`.
import type { Command } from 'commander';
import { register as detectors } from './detectors.js';

export const commandModules: ((program: Command) => void)[] = [detectors];
