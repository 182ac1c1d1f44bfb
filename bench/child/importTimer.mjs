// Profiling only (bench/profile.ts), never in measured runs: preloaded with
// --import into a process running an instrumented, unminified build of our layer,
// whose bundler helpers call these hooks as each bundled module is evaluated.
// The timeline is written at exit to the file OI_PROFILE_TIMELINE names.
import { writeFileSync } from 'node:fs';

const out = process.env.OI_PROFILE_TIMELINE;
delete process.env.OI_PROFILE_TIMELINE;
const events = [];
const now = () => String(process.hrtime.bigint());
globalThis.__oiEnter = (name) => events.push(['enter', name, now()]);
globalThis.__oiLeave = (name) => events.push(['leave', name, now()]);
globalThis.__oiMark = (name) => events.push(['mark', name, now()]);
process.on('exit', () => {
  if (out) writeFileSync(out, JSON.stringify(events));
});
