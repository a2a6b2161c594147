import { findDuplicateKeys } from "../../config/duplicate-keys";

describe("findDuplicateKeys: names JSON.parse would keep only the last of", () => {
  it("finds a repeated name with the lines of both and the column of the second", () => {
    expect(findDuplicateKeys('{\n  "a": 1,\n  "b": 2,\n    "a": 3\n}')).toEqual([{ path: ["a"], firstLine: 2, line: 4, column: 5 }]);
  });

  it("names the path of a repeat deep inside objects and arrays", () => {
    const text = JSON.stringify({ environments: { dev: { developers: [{ objectId: "x" }] } } }).replace('"objectId":"x"', '"objectId":"x","objectId":"y"');
    expect(findDuplicateKeys(text).map((d) => d.path)).toEqual([["environments", "dev", "developers", 0, "objectId"]]);
  });

  it("compares names as JSON reads them (escapes decoded)", () => {
    expect(findDuplicateKeys('{"dev": 1, "d\\u0065v": 2}').map((d) => d.path)).toEqual([["dev"]]);
  });

  it("does not count the same name in sibling objects, string values that look like names, or escaped quotes", () => {
    expect(findDuplicateKeys('[{"a": "\\"a\\": 1"}, {"a": {"a": ["a", "a"]}}]')).toEqual([]);
  });

  it("finds every repeat, also three of one name", () => {
    expect(findDuplicateKeys('{"x": 1, "x": 2, "x": 3, "y": {"z": 1, "z": 2}}').map((d) => [d.path.join("."), d.firstLine])).toEqual([
      ["x", 1],
      ["x", 1],
      ["y.z", 1],
    ]);
  });

  it("walks deep nesting without recursion", () => {
    const depth = 100_000;
    expect(findDuplicateKeys(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`)).toEqual([]);
  });
});
