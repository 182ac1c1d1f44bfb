import { buildLayer } from '../../layer/build.js';

/** Build dist/layer.zip once before any test file runs (test files unzip their own copy). */
export default async function setup(): Promise<void> {
  await buildLayer();
}
