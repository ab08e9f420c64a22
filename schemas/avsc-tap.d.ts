// avsc ships no typings for its internal modules; this declares the one class the in-place
// decoder (`read-at.ts`) reuses. avsc 5.7's `lib/utils.js` exports `Tap` unchanged since 5.0.
declare module 'avsc/lib/utils.js' {
  /** avsc's read cursor: the compiled `_read` of every type reads through one. */
  export class Tap {
    constructor(buf: Buffer, pos?: number);
    buf: Buffer;
    pos: number;
  }
  const utils: { Tap: typeof Tap };
  export default utils;
}
