// As the opentelemetry-lambda layer's src/loader.mjs: register import-in-the-middle's
// hook only when the handler is an ES module, so instrumentation-aws-lambda can
// wrap its export.
import { existsSync, readFileSync } from 'node:fs';
import { register } from 'node:module';
import { basename, dirname, resolve } from 'node:path';

function typeModule(folder) {
  if (folder.endsWith('/node_modules')) return false;
  const pj = resolve(folder, 'package.json');
  if (existsSync(pj)) {
    try {
      return JSON.parse(readFileSync(pj, 'utf8')).type === 'module';
    } catch {
      return false;
    }
  }
  return folder === '/' ? false : typeModule(resolve(folder, '..'));
}

function handlerIsEsm() {
  const handlerDef = process.env._HANDLER;
  const handler = basename(handlerDef);
  const moduleRoot = handlerDef.slice(0, handlerDef.length - handler.length);
  const [module] = handler.split('.', 2);
  const file = resolve(process.env.LAMBDA_TASK_ROOT, moduleRoot, module);
  if (existsSync(`${file}.mjs`)) return true;
  if (existsSync(`${file}.cjs`)) return false;
  return existsSync(`${file}.js`) && typeModule(dirname(`${file}.js`));
}

if (handlerIsEsm()) {
  register('import-in-the-middle/hook.mjs', import.meta.url);
}
