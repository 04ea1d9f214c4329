/**
 * Entry point of a training worker child process (forked by `ChildPool` with
 * tsx's loader). It loads the trainer once, says Ready, then runs one job per
 * Start message until told to Stop or until its parent goes away. Training
 * happens here so that the parent's event loop stays free for people.
 */
import type { Engine } from './engine.ts';
import {
  ChildCommand,
  isParentMessage,
  ParentCommand,
  serializeError,
  type ChildMessage,
  type CompletedValue,
  type StartValue,
} from './protocol.ts';

function send(msg: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(msg, undefined, {}, () => resolve());
  });
}

let engine: Engine | undefined;
let current: AbortController | undefined;
let stopWhenIdle = false;

async function runJob(start: StartValue): Promise<void> {
  const controller = new AbortController();
  current = controller;
  const { userId: _userId, ...request } = start.submission;
  try {
    const result = await engine!.train(
      request,
      {
        signal: controller.signal,
        onEpoch: (event) => void send({ cmd: ChildCommand.Progress, value: event }),
      },
      start.config,
    );
    const value: CompletedValue = { result };
    try {
      // The chart and its reading are part of the job, rendered here for the same reason training is.
      value.chartPngBase64 = (await engine!.renderChart(result, request.lang)).toString('base64');
      const images = await engine!.renderImages(result, request.lang);
      if (images.length > 0) result.images = images;
      value.reading = engine!.read(result, request.lang);
    } catch (err) {
      value.chartError = serializeError(err);
    }
    await send({ cmd: ChildCommand.Completed, value });
  } catch (err) {
    await send({ cmd: ChildCommand.Failed, err: serializeError(err) });
  } finally {
    current = undefined;
  }
  if (stopWhenIdle) process.exit(0);
}

process.on('message', (msg: unknown) => {
  if (!isParentMessage(msg)) return;
  switch (msg.cmd) {
    case ParentCommand.Start:
      if (current) {
        void send({ cmd: ChildCommand.Failed, err: { name: 'Error', message: 'Worker child is busy; Start refused.' } });
        return;
      }
      void runJob(msg.value);
      return;
    case ParentCommand.Cancel:
      current?.abort();
      return;
    case ParentCommand.Stop:
      if (!current) process.exit(0);
      stopWhenIdle = true;
      return;
  }
});

// The parent died or closed the channel: nobody will read our results.
process.on('disconnect', () => process.exit(0));

try {
  const { loadEngine } = await import('./engine.ts');
  engine = await loadEngine();
  await send({ cmd: ChildCommand.Ready });
} catch (err) {
  await send({ cmd: ChildCommand.InitFailed, err: serializeError(err) });
  process.exit(1);
}
