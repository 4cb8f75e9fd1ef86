// A stand-in writer thread for ThreadedLogStore's tests: speaks log-write-protocol.ts by hand
// (a worker cannot load the TypeScript sources) over a list kept in memory, and misbehaves on cue:
// an entry with id "fail" fails its batch, "exit" ends the thread mid-call, "slow" answers after 200 ms.
import { parentPort, workerData } from 'node:worker_threads';

const written = [];
if (workerData?.failOpen) parentPort.postMessage({ event: 'open-failed', message: 'cannot open: scripted' });
else {
  parentPort.on('message', async (call) => {
    if (call.op === 'insertBatch') {
      const ids = call.entries.map((entry) => entry.id);
      if (ids.includes('exit')) process.exit(3);
      if (ids.includes('slow')) await new Promise((resolve) => setTimeout(resolve, 200));
      if (ids.includes('fail')) return parentPort.postMessage({ id: call.id, ok: false, message: 'disk full: scripted' });
      if (ids.includes('background')) parentPort.postMessage({ event: 'background-error', message: 'index slice failed: scripted' });
      written.push(...ids);
      return parentPort.postMessage({ id: call.id, ok: true, value: undefined });
    }
    if (call.op === 'delete') return parentPort.postMessage({ id: call.id, ok: true, value: written.filter((id) => call.ids.includes(id)).length });
    if (call.op === 'deleteOlderThan') return parentPort.postMessage({ id: call.id, ok: true, value: written.length });
    if (call.op === 'close') {
      parentPort.postMessage({ id: call.id, ok: true, value: undefined });
      parentPort.close();
    }
  });
  parentPort.postMessage({ event: 'ready' });
}
