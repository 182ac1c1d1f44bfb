// Profiling only (bench/profile.ts), never in measured runs: preloaded with
// --import, it samples every allocation of the process with V8's sampling heap
// profiler, objects collected by the minor and major GC included (by default
// the profiler forgets them, and short-lived garbage is what sets the scavenge
// rate), and writes the profile at exit to the file OI_PROFILE_ALLOC names.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const out = process.env.OI_PROFILE_ALLOC;
delete process.env.OI_PROFILE_ALLOC;
const session = new Session();
session.connect();
// Same-thread session: each post's callback runs before post() returns.
session.post('HeapProfiler.startSampling', {
  samplingInterval: 1024,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
process.on('exit', () => {
  session.post('HeapProfiler.stopSampling', (error, result) => {
    if (!error && out) writeFileSync(out, JSON.stringify(result.profile));
  });
});
