export * from './paths.js';
export * from './provenance.js';
