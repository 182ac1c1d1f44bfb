// As the ADOT layer's src/wrapper.mjs: import-in-the-middle's hook, intercepting
// only the modules instrumentations ask for, then the distro's register.
import { createRequire, register } from 'node:module';
import { createAddHookMessageChannel } from 'import-in-the-middle';

const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
await waitForAllMessagesAcknowledged();

createRequire(import.meta.url)('@aws/aws-distro-opentelemetry-node-autoinstrumentation/register');
