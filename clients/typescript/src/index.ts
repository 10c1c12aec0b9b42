// The client for Node services. In a browser, import './client' (importFile reads files from disk).
export * from './client';
export * from './import-file';
export * from './retry';
