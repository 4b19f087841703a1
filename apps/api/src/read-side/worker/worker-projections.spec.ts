import type { ProjectionStatus } from '@qms/projection-engine';
import type { AppConfig } from '../../config/app-config';
import { runningStatus } from '../__fixtures__/projection-status';
import type { FromProjectionsWorker, ToProjectionsWorker } from './projections-worker.protocol';
import { WorkerProjections } from './worker-projections';

const NAME = 'complaint_lists';

function statusAt(position: number, lagEvents: number): ProjectionStatus {
  return runningStatus(NAME, { position, headPosition: position + lagEvents, lagEvents });
}

/**
 * The API's side of the projections thread, with the thread replaced by what it is seen as: the
 * messages it is posted and the messages it sends. A thread catching up under load takes a
 * question and answers only after its batch.
 */
function withBusyThread(statusAnswerWaitMs: number) {
  const projections = new WorkerProjections({
    config: {} as AppConfig,
    projectionNames: [NAME],
    logger: { log: () => undefined, warn: () => undefined },
    statusAnswerWaitMs,
  });
  const asked: ToProjectionsWorker[] = [];
  Reflect.set(projections, 'worker', { postMessage: (message: ToProjectionsWorker) => asked.push(message) });
  const send = (message: FromProjectionsWorker): void => (Reflect.get(projections, 'receive') as (m: FromProjectionsWorker) => void).call(projections, message);
  return { projections, asked, send };
}

describe('WorkerProjections status', () => {
  it('answers with the status the thread last published when the thread does not answer in time, and takes its answer when it comes', async () => {
    const { projections, asked, send } = withBusyThread(50);
    send({ type: 'status', statuses: [statusAt(100, 900)], heap: { usedBytes: 1, totalBytes: 2, limitBytes: 3 } });
    send({ type: 'positions', positions: { [NAME]: 400 } });

    const started = Date.now();
    const [status] = await projections.status();
    expect(Date.now() - started).toBeLessThan(1_000);
    // Published lag, with the position as the thread last reported it.
    expect(status).toMatchObject({ lagEvents: 900, position: 400 });

    const question = asked.find((message) => message.type === 'call' && message.method === 'status');
    expect(question).toBeDefined();
    send({ type: 'reply', id: (question as { id: number }).id, result: [statusAt(1000, 0)] });
    const [later] = await projections.status();
    expect(later).toMatchObject({ lagEvents: 0, position: 1000 });
  });

  it('takes the thread’s answer when it comes in time', async () => {
    const { projections, asked, send } = withBusyThread(5_000);
    send({ type: 'status', statuses: [statusAt(100, 900)], heap: { usedBytes: 1, totalBytes: 2, limitBytes: 3 } });
    const answer = projections.status();
    await new Promise((resolve) => setImmediate(resolve));
    const question = asked.find((message) => message.type === 'call' && message.method === 'status') as { id: number };
    send({ type: 'reply', id: question.id, result: [statusAt(700, 3)] });
    expect((await answer)[0]).toMatchObject({ position: 700, lagEvents: 3 });
  });
});
