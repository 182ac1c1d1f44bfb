// Profiling only (bench/profile.ts --only=signals), never in measured runs:
// preloaded with --import, it times every datagram send (dgram's
// Socket#send, the sendmsg(2) included: a connected socket sends at once)
// and every process.stdout.write (the write(2) included: stdout is a file in
// the bench), and writes their medians at exit to the file OI_PROFILE_IO
// names. The same calls cost several times more after code that touches more
// memory: this is how the profile shows it.
import { Socket } from 'node:dgram';
import { writeFileSync } from 'node:fs';

const out = process.env.OI_PROFILE_IO;
delete process.env.OI_PROFILE_IO;
const sends = [];
const writes = [];
const now = process.hrtime.bigint;

const send = Socket.prototype.send;
Socket.prototype.send = function timedSend(...args) {
  const start = now();
  try {
    return send.apply(this, args);
  } finally {
    sends.push(Number(now() - start) / 1000);
  }
};

// process.stdout is made on first use; wrap its write then, not before (that would make it at import).
let wrapped = false;
const descriptor = Object.getOwnPropertyDescriptor(process, 'stdout');
Object.defineProperty(process, 'stdout', {
  configurable: true,
  enumerable: descriptor.enumerable,
  get() {
    const stream = descriptor.get.call(process);
    if (!wrapped) {
      wrapped = true;
      const write = stream.write;
      stream.write = function timedWrite(...args) {
        const start = now();
        try {
          return write.apply(this, args);
        } finally {
          writes.push(Number(now() - start) / 1000);
        }
      };
    }
    return stream;
  },
});

const median = (values) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
};

process.on('exit', () => {
  if (!out) return;
  writeFileSync(
    out,
    JSON.stringify({
      sendUs: median(sends),
      sends: sends.length,
      writeUs: median(writes),
      writes: writes.length,
    }),
  );
});
