import { buildLayer } from '../../layer/build.js';
import { ensureRic, ensureRuntimes } from '../../local-lambda/localTools.js';

/**
 * Before any test file runs: the local Lambda's runtime client and the Lambda
 * runtimes' Node binaries (installed once, kept), and dist/layer.zip (test
 * files unzip their own copy).
 */
export default async function setup(): Promise<void> {
  ensureRic();
  ensureRuntimes();
  await buildLayer();
}
