/**
 * `.local/stack.json` (written by `npm start`) is missing or unreadable: no local stack runs in that folder,
 * or the file was edited by hand. `path` is the file looked for.
 */
export class LocalStackFileError extends Error {
  readonly path: string;

  constructor(message: string, path: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LocalStackFileError';
    this.path = path;
  }
}
