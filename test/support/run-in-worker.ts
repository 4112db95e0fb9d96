import { Worker } from 'node:worker_threads';

/**
 * Runs the body of an async function in a worker thread and returns its result, or rejects when
 * it has not returned after `limitMs`. For code that could spin forever (a backtracking regular
 * expression): a spinning worker is terminated, where a spinning test would hang vitest. The body
 * reaches modules through `await import(url)`.
 */
export async function runInWorker(body: string, limitMs: number): Promise<unknown> {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     (async () => { ${body} })().then((result) => parentPort.postMessage(result));`,
    { eval: true },
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the worker did not return within ${limitMs} ms`)), limitMs);
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}
