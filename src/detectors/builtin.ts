// Importing this module registers every built-in detector (one import line per detector module).
export {};
