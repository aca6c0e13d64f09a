// The library entry point: what platform repos import.
export {};
