import type { ResolvedSpec } from '../spec/types.js';
import { nullTracker, type Tracker } from './tracker.js';

/** The tracker a spec asks for. */
export async function createTracker(spec: ResolvedSpec): Promise<Tracker> {
  if (!spec.tracking.enabled) return nullTracker;
  return nullTracker;
}
