// Command output, written to fd 1 directly. The first use of process.stdout builds node's stream
// stack for it (SyncWriteStream or net.Socket): 2-4 ms of a 65 ms command in two interleaved runs of
// a one-line module (bench/, 2026-11).
import { writeSync } from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

export function out(text: string): void {
  const buf = Buffer.from(text);
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A non-blocking pipe that is full: wait a millisecond for the reader.
      if (code === 'EAGAIN') Atomics.wait(pause, 0, 0, 1);
      // The reader went away (`| head`): the rest has nowhere to go, as with any Unix tool.
      else if (code === 'EPIPE') return;
      else throw err;
    }
  }
}
