// The one way to say that a job must not be retried because it would fail the same way again: a payload that cannot
// be right, an index outside its run, a record that does not hash to its id, a conversion that failed for good.
// BullMQ tells such an error by its name, `UnrecoverableError`, which survives the trip from a sandboxed job process
// to the worker (errors cross it as name and message), so the same class serves the worker, the child process and
// the job functions the embedded runner calls directly.
export class UnrecoverableJobError extends Error {
  override name = 'UnrecoverableError';

  constructor(message: string) {
    super(message.split('\n')[0]);
  }
}
