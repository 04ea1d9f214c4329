/**
 * Loads TensorFlow.js and makes the configured backend active, on first use
 * only (never at import). The choice itself belongs to backend.ts; when that
 * module cannot be loaded the pure-JavaScript cpu backend is used, so lessons
 * still train, slowly.
 */
import type { Config } from '../config.ts';
import type { Tf } from './lesson.ts';
import type { BackendName } from './types.ts';

export interface TfRuntime {
  tf: Tf;
  backend: BackendName;
}

/** Returns tf with the backend chosen by `preference` active. */
export async function loadTf(preference: Config['training']['backend']): Promise<TfRuntime> {
  const tf = (await import('@tensorflow/tfjs')) as Tf;
  let init: ((p: Config['training']['backend']) => Promise<BackendName>) | undefined;
  try {
    ({ initBackend: init } = await import('./backend.ts'));
  } catch {
    init = undefined;
  }
  if (init) return { tf, backend: await init(preference) };
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  await tf.ready();
  return { tf, backend: 'cpu' };
}
