import { TAG_RULES, tagProblems, mergeTags } from "../../constructs/tags";
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

describe("mergeTags: one spelling per tag, the later one", () => {
  const platform = { environment: "dev", "managed-by": "cdktf" };

  it("lets a user tag replace a platform tag written in another case, keeping the user's spelling", () => {
    expect(mergeTags(platform, { Environment: "production", owner: "team-a" })).toEqual({ Environment: "production", "managed-by": "cdktf", owner: "team-a" });
  });

  it("keeps the platform's tags when the user sets none of them", () => {
    expect(mergeTags(platform, { owner: "team-a" })).toEqual({ ...platform, owner: "team-a" });
    expect(mergeTags(platform)).toEqual(platform);
  });

  it("reaches every resource of a platform as one tag", () => {
    const { json } = synthPlatform({ tags: { "Managed-By": "platform-team" } });
    const tags = Object.values((json as any).resource.azurerm_resource_group as Record<string, { tags: Record<string, string> }>)[0].tags;
    expect(Object.keys(tags).filter((t) => t.toLowerCase() === "managed-by")).toEqual(["Managed-By"]);
  });
});
