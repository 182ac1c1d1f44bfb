// As the opentelemetry-lambda layer's src/init.mjs: set up the SDK (the bundled
// wrapper), then the ESM loader hook for ES-module handlers.
const { default: wrapper } = await import('./wrapper.cjs');
await wrapper.init();
await wrapper.wrap();
await import('./loader.mjs');
