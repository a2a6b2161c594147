"use strict";
/**
 * cdktf records where every token and attribute reference was created, hundreds of
 * times per synth: it captures a stack trace of unlimited depth on a plain object
 * (`{ stack: "" }`, then Error.captureStackTrace) and formats it at once, only to quote
 * it if resolving that token ever fails ("Object creation stack: ..."). Formatting every
 * frame of every record was about a tenth of the app's synth (npm run bench).
 *
 * In the terminal's run path nearly all of those frames are cdktf's and the providers'
 * minified code in dist/run/vendor.js. What a person can act on is where their own code
 * made the token, so there such records keep the first few frames of the project's own
 * bundles, which the error boundary maps to the TypeScript sources
 * (scripts/terminal/stack.ts). Every real error (anything but a plain object) keeps the
 * formatter that was installed before.
 *
 * Error.prepareStackTrace is V8's documented hook (https://v8.dev/docs/stack-trace-api).
 * Only scripts/run.cjs installs this; the library installs nothing, so apps that import
 * it keep cdktf's full records.
 *
 * Plain CommonJS: scripts/run.cjs loads it before anything is built.
 */

/** How many frames of the project's own code a creation record keeps. */
const CREATION_FRAMES = 8;

/**
 * Installs the hook; returns a function that restores the previous one.
 *
 * @param {(file: string) => boolean} ownCode whether a frame's file is the project's own code
 * @param {number} [keep] frames kept per record
 * @returns {() => void}
 */
function keepOwnFramesInCreationRecords(ownCode, keep = CREATION_FRAMES) {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, frames) => {
    if (Object.getPrototypeOf(error) !== Object.prototype) {
      // Node 20 and 22 install a formatter of their own; without one, V8's format.
      return typeof previous === "function" ? previous(error, frames) : [String(error), ...frames].join("\n    at ");
    }
    let record = "";
    let kept = 0;
    // Stops at the last kept frame: the frames below it are never looked at.
    for (const frame of frames) {
      const file = frame.getFileName();
      if (!file || !ownCode(file)) continue;
      record += `\n    at ${frame}`;
      if (++kept === keep) break;
    }
    return record;
  };
  return () => {
    Error.prepareStackTrace = previous;
  };
}

module.exports = { CREATION_FRAMES, keepOwnFramesInCreationRecords };
