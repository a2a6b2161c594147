import { TAG_RULES, tagProblems } from "../../constructs/tags";
import { synthPlatform } from "../../testing/helpers";

describe("tags on a ChatPlatform: what Azure refuses fails at synth", () => {
  it("accepts what Azure accepts and counts the platform's own two tags", () => {
    expect(tagProblems({ "cost center": "Finance & Ops", "team:owner": "a/b" })).toEqual([]);
    const fifty = Object.fromEntries(Array.from({ length: TAG_RULES.maxCount - 2 }, (_, i) => [`t${i}`, "x"]));
    expect(tagProblems(fifty)).toEqual([]);
    expect(tagProblems({ ...fifty, one: "more" })).toEqual([expect.objectContaining({ problem: expect.stringMatching(/^has more tags than Azure allows/) })]);
  });

  it("names the field, the value and the fix", () => {
    expect(() => synthPlatform({ tags: { "cost/center": "x" } })).toThrow(
      'test/Platform: tags.cost/center = "cost/center" is a tag name with a character Azure refuses. Fix: remove < > % & \\ ? and / from the name',
    );
  });
});
