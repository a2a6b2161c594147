/**
 * Azure Resource Manager's tag limits, for every resource type the platform tags
 * (storage accounts have the shortest names).
 * https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations
 */
export const TAG_RULES = Object.freeze({
  /** "Each resource, resource group, and subscription can have a maximum of 50 tag name-value pairs." */
  maxCount: 50,
  /** Tags ChatPlatform adds itself, counted against maxCount. */
  platformTags: ["environment", "managed-by"] as const,
  /** "For storage accounts, the tag name has a limit of 128 characters" (512 elsewhere). */
  maxNameLength: 128,
  /** "the tag value has a limit of 256 characters". */
  maxValueLength: 256,
  /** "Tag names can't contain these characters: <, >, %, &, \, ?, /". */
  forbiddenNameCharacters: /[<>%&\\?/]/,
  /** Reserved for Azure: https://learn.microsoft.com/rest/api/resources/tags/create-or-update */
  reservedPrefixes: ["microsoft", "azure", "windows"] as const,
});

/** One tag Azure would refuse: which (undefined: the set as a whole), the value shown, what is wrong, the fix. */
export interface TagProblem {
  readonly tag?: string;
  readonly value: string;
  readonly problem: string;
  readonly fix: string;
}

/** Everything in `tags` that Azure would refuse at deploy time (TAG_RULES); empty when all is well. */
export function tagProblems(tags: Record<string, string>): TagProblem[] {
  const problems: TagProblem[] = [];
  const names = Object.keys(tags);
  const extra = TAG_RULES.platformTags.filter((t) => !names.some((n) => n.toLowerCase() === t)).length;
  if (names.length + extra > TAG_RULES.maxCount) {
    problems.push({
      value: `${names.length} tags`,
      problem: `has more tags than Azure allows with the platform's own ${TAG_RULES.platformTags.join(" and ")} (${TAG_RULES.maxCount} in all)`,
      fix: `keep at most ${TAG_RULES.maxCount - extra} tags`,
    });
  }
  const seen = new Map<string, string>();
  for (const [name, value] of Object.entries(tags)) {
    const lower = name.toLowerCase();
    const at = (problem: string, fix: string) => problems.push({ tag: name, value: name, problem, fix });
    if (name.trim() === "") at("is an empty tag name", "give the tag a name");
    else if (name.length > TAG_RULES.maxNameLength)
      at(`is a tag name of ${name.length} characters (storage accounts allow ${TAG_RULES.maxNameLength})`, `shorten the name to ${TAG_RULES.maxNameLength} characters or fewer`);
    else if (TAG_RULES.forbiddenNameCharacters.test(name))
      at("is a tag name with a character Azure refuses", "remove < > % & \\ ? and / from the name (use '-', '_', '.' or ':' instead)");
    else if (TAG_RULES.reservedPrefixes.some((p) => lower.startsWith(p)))
      at("is a tag name with a prefix Azure reserves", `rename it so it does not start with ${TAG_RULES.reservedPrefixes.map((p) => `"${p}"`).join(", ")}`);
    const earlier = seen.get(lower);
    if (earlier !== undefined) at(`repeats the tag ${JSON.stringify(earlier)} (Azure tag names are case-insensitive)`, "keep one of the two");
    seen.set(lower, name);
    if (value.length > TAG_RULES.maxValueLength) {
      problems.push({
        tag: name,
        value: `${value.slice(0, 40)}... (${value.length} characters)`,
        problem: `is a tag value over ${TAG_RULES.maxValueLength} characters`,
        fix: `shorten the value to ${TAG_RULES.maxValueLength} characters or fewer`,
      });
    }
  }
  return problems;
}

/**
 * `base` with `over` on top. Azure compares tag names without case, so a tag of `over`
 * replaces the tag of `base` with the same name in any case (a user's `Environment`
 * replaces the platform's `environment`) instead of standing beside it as a second
 * spelling of one tag; the spelling of `over` is kept.
 */
export function mergeTags(base: Readonly<Record<string, string>>, over: Readonly<Record<string, string>> = {}): Record<string, string> {
  const merged: Record<string, string> = { ...base };
  for (const [name, value] of Object.entries(over)) {
    for (const existing of Object.keys(merged)) if (existing !== name && existing.toLowerCase() === name.toLowerCase()) delete merged[existing];
    merged[name] = value;
  }
  return merged;
}
