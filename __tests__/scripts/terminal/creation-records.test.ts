import { Lazy, Tokenization } from "cdktf";

// Plain CommonJS (scripts/run.cjs loads it before anything is built).
const { CREATION_FRAMES, keepOwnFramesInCreationRecords } = require("../../../scripts/terminal/creation-records.cjs") as {
  CREATION_FRAMES: number;
  keepOwnFramesInCreationRecords: (ownCode: (file: string) => boolean, keep?: number) => () => void;
};

/** This test file plays the project's own bundle. */
const thisFile = (file: string) => file === __filename;

/** A creation record as cdktf makes one (tokens/private/stack-trace.js). */
function record(): string {
  const object = { stack: "" };
  const previousLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = Number.MAX_SAFE_INTEGER;
  Error.captureStackTrace(object, record);
  Error.stackTraceLimit = previousLimit;
  return object.stack;
}

const nested = (depth: number): string => (depth === 0 ? record() : nested(depth - 1));

describe("creation records keep the project's own frames (scripts/terminal/creation-records.cjs)", () => {
  let restore: (() => void) | undefined;
  afterEach(() => restore?.());

  it("keeps only frames in the project's own code, at most CREATION_FRAMES of them", () => {
    restore = keepOwnFramesInCreationRecords(thisFile);
    const lines = nested(20).split("\n").slice(1);
    expect(lines).toHaveLength(CREATION_FRAMES);
    for (const line of lines) expect(line).toContain(`${__filename}:`);
    // The full record would also hold Jest's and Node's frames.
    restore();
    restore = undefined;
    expect(
      nested(20)
        .split("\n")
        .some((l) => l.includes("node_modules") || l.includes("node:")),
    ).toBe(true);
  });

  it("is what cdktf keeps as a token's creation stack", () => {
    restore = keepOwnFramesInCreationRecords(thisFile);
    const token = Lazy.stringValue({ produce: () => "x" });
    const stack = Tokenization.reverseString(token).firstToken?.creationStack ?? [];
    expect(stack.length).toBeGreaterThan(0);
    expect(stack.length).toBeLessThanOrEqual(CREATION_FRAMES);
    for (const frame of stack) expect(frame).toContain(`${__filename}:`);
  });

  it("leaves real errors to the formatter installed before", () => {
    const before = new Error("boom").stack ?? "";
    restore = keepOwnFramesInCreationRecords(thisFile);
    const after = new Error("boom").stack ?? "";
    expect(after.startsWith("Error: boom\n")).toBe(true);
    // Same frames as before (only the line of `new Error` differs), own file or not.
    expect(after.split("\n").length).toBe(before.split("\n").length);
    expect(after).toMatch(/node_modules|node:/);
  });

  it("restores the previous hook", () => {
    const previous = Error.prepareStackTrace;
    keepOwnFramesInCreationRecords(thisFile)();
    expect(Error.prepareStackTrace).toBe(previous);
  });
});
