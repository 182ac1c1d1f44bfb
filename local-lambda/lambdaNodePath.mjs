// Preloaded with `--import` (through NODE_OPTIONS, so it survives an exec
// wrapper) into the local Lambda runtime process. Plain ESM on purpose: it runs
// before any TypeScript loader could.
//
// Lambda's Node.js runtimes let ES modules import packages from layers
// (/opt/nodejs/node_modules); plain Node applies NODE_PATH to require() only.
// The hooks registered here give `import` the same fallback.
import { register } from 'node:module';

register('./lambdaNodePathHooks.mjs', import.meta.url, {
  data: { nodePath: process.env.NODE_PATH ?? '' },
});
