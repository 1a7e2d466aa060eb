/** A mistake in how a command was called: message printed as is (or nothing), exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(message: string | null) {
    super(message ?? '');
  }
}

export function collectSets(value: string, previous: string[]): string[] {
  return [...previous, value];
}
