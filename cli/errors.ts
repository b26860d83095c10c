// A mistake the user can fix from the message alone: printed as one line, no stack.
export class UserError extends Error {
  override name = 'UserError';
}
