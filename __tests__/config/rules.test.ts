import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, type ConfigIssue, configFile, jsonSyntaxError, loadEnvironments, readEnvironments } from "../../config/environments";

/** The issues loadEnvironments reports for `file`, as `path = value: message | fix`. */
function issuesOf(file: unknown): string[] {
  try {
    loadEnvironments(file);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues.map((i: ConfigIssue) => `${i.path} = ${JSON.stringify(i.value)}: ${i.message} | ${i.fix}`);
  }
  return [];
}
const env = (over: Record<string, unknown>, name = "dev") => ({ environments: { [name]: over } });

describe("config rules: what Azure or the state backend refuses is refused when the file is read", () => {
  it.each<[string, unknown, RegExp]>([
    [
      "a stack name with a space (cdktf would throw a raw stack trace)",
      env({}, "my stack"),
      /^environments\.my stack = "my stack": is not a valid environment name .* \| use 1-12 lower-case letters and digits/,
    ],
    ["a stack name with a glob character", env({}, "dev*"), /^environments\.dev\* = "dev\*": is not a valid environment name/],
    ["an upper-case stack name", env({}, "Prod"), /^environments\.Prod = "Prod"/],
    [
      "a tag name with '/'",
      env({ tags: { "cost/center": "x" } }),
      /^environments\.dev\.tags\.cost\/center = "cost\/center": is a tag name with a character Azure refuses \| remove < > % & \\ \? and \//,
    ],
    ["a tag name with '%'", { defaults: { tags: { "100%": "x" } }, environments: { dev: {} } }, /^defaults\.tags\.100% = "100%"/],
    ["a reserved tag prefix", env({ tags: { "Microsoft.owner": "x" } }), /prefix Azure reserves \| rename it so it does not start with "microsoft"/],
    ["a tag name over 128 characters", env({ tags: { ["n".repeat(129)]: "x" } }), /is a tag name of 129 characters \(storage accounts allow 128\)/],
    ["a tag value over 256 characters", env({ tags: { owner: "v".repeat(257) } }), /^environments\.dev\.tags\.owner = .*257 characters.*: is a tag value over 256 characters/],
    [
      "two tags differing in case only",
      env({ tags: { Owner: "a", owner: "b" } }),
      /^environments\.dev\.tags\.owner = "owner": repeats the tag "Owner" \(Azure tag names are case-insensitive\)/,
    ],
    [
      "more than 50 tags with the platform's two",
      env({ tags: Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`t${i}`, "x"])) }),
      /^environments\.dev\.tags = "49 tags": has more tags than Azure allows .* \| keep at most 48 tags/,
    ],
    [
      "a state account with upper case",
      env({ remoteState: { resourceGroupName: "rg", storageAccountName: "ChatState" } }),
      /^environments\.dev\.remoteState\.storageAccountName = "ChatState": is not a name Azure accepts \| use 3-24 lower-case letters and digits/,
    ],
    [
      "a state container with '_'",
      env({ remoteState: { resourceGroupName: "rg", storageAccountName: "chatstate", containerName: "tf_state" } }),
      /remoteState\.containerName = "tf_state": .* \| use 3-63 lower-case letters, digits and single hyphens/,
    ],
    [
      "a state container with '--'",
      env({ remoteState: { resourceGroupName: "rg", storageAccountName: "chatstate", containerName: "tf--state" } }),
      /remoteState\.containerName = "tf--state"/,
    ],
    [
      "a state resource group ending in '.'",
      env({ remoteState: { resourceGroupName: "rg.", storageAccountName: "chatstate" } }),
      /remoteState\.resourceGroupName = "rg\.": .* \| use 1-90 letters/,
    ],
    [
      "a state key ending in '/'",
      env({ remoteState: { resourceGroupName: "rg", storageAccountName: "chatstate", key: "states/" } }),
      /remoteState\.key = "states\/": is not a blob name the state backend can use/,
    ],
    [
      "a state subscription that is not a GUID",
      env({ remoteState: { resourceGroupName: "rg", storageAccountName: "chatstate", subscriptionId: "my-sub" } }),
      /remoteState\.subscriptionId = "my-sub": .* \| give the subscription id as a GUID/,
    ],
  ])("%s", (_, file, expected) => {
    expect(issuesOf(file)).toEqual([expect.stringMatching(expected)]);
  });

  it("accepts what Azure accepts: tags with spaces, ':' and '-', a valid state backend, a 12-character stack name", () => {
    expect(
      issuesOf(
        env(
          {
            tags: { "cost center": "Finance & Ops", "team:owner": "a/b", "data-class": "" },
            remoteState: {
              resourceGroupName: "rg-state_(1)",
              storageAccountName: "chatstate01",
              containerName: "tf-state",
              key: "team/prod.tfstate",
              subscriptionId: "00000000-0000-0000-0000-000000000001",
            },
          },
          "staging2eu01",
        ),
      ),
    ).toEqual([]);
  });
});

describe("config rules: nothing observability or alerts being off would drop is accepted silently", () => {
  it.each<[string, unknown, RegExp[]]>([
    [
      "alerts switched on where observability is off",
      env({ observability: { enabled: false, alerts: { enabled: true } } }),
      [
        /^environments\.dev\.observability\.alerts\.enabled = true: is set, but observability\.enabled is false, so it would be ignored \| remove it, or set observability\.enabled to true$/,
      ],
    ],
    [
      "a retention where observability is off",
      env({ observability: { enabled: false, retentionInDays: 60 } }),
      [/^environments\.dev\.observability\.retentionInDays = 60: is set, but observability\.enabled is false/],
    ],
    [
      "an environment's own retention where the defaults switch observability off",
      { defaults: { observability: { enabled: false } }, environments: { dev: { observability: { retentionInDays: 60 } } } },
      [/^environments\.dev\.observability\.retentionInDays = 60: is set, but observability\.enabled is false/],
    ],
    [
      "alert settings where alerts are off, in the defaults",
      { defaults: { observability: { alerts: { enabled: false, severity: 2, healthCheck: true } } }, environments: { dev: {} } },
      [
        /^defaults\.observability\.alerts\.severity = 2: is set, but observability\.alerts\.enabled is false, so it would be ignored \| remove it, or set observability\.alerts\.enabled to true$/,
        /^defaults\.observability\.alerts\.healthCheck = true: /,
      ],
    ],
  ])("refuses %s", (_, file, expected) => {
    expect(issuesOf(file)).toEqual(expected.map((e) => expect.stringMatching(e)));
  });

  it("lets an environment switch off what the defaults configure", () => {
    const defaults = { observability: { retentionInDays: 30, alerts: { severity: 2, emailReceivers: [{ name: "oncall", email: "oncall@contoso.com" }] } } };
    expect(issuesOf({ defaults, environments: { dev: { observability: { enabled: false } }, test: { observability: { alerts: { enabled: false } } } } })).toEqual([]);
    expect(loadEnvironments({ defaults, environments: { dev: { observability: { enabled: false } } } }).dev.observability).toBe(false);
    // Both switched off says the same thing twice, which is not a contradiction.
    expect(issuesOf(env({ observability: { enabled: false, alerts: { enabled: false } } }))).toEqual([]);
  });
});

describe("reading the configuration file", () => {
  const dir = mkdtempSync(join(tmpdir(), "chat-config-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const failure = (file: string) => {
    try {
      readEnvironments(file);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const c = e as ConfigError;
      return { source: c.source, ...c.issues[0] };
    }
    throw new Error("expected a ConfigError");
  };

  it("reads the file at call time", () => {
    const file = write("a.json", JSON.stringify({ environments: { qa: { webApp: { planSku: "S1" } } } }));
    expect(readEnvironments(file).qa.platform).toMatchObject({ environment: "qa", webApp: { planSku: "S1" } });
    writeFileSync(file, JSON.stringify({ environments: { uat: {} } }));
    expect(Object.keys(readEnvironments(file))).toEqual(["uat"]);
  });

  it("refuses an environment written twice (a copied block not renamed), which JSON.parse would drop", () => {
    const f = failure(write("twice.json", '{\n  "environments": {\n    "dev": { "prefix": "a" },\n    "prod": {},\n    "dev": { "prefix": "b" }\n  }\n}\n'));
    expect(f).toEqual({
      source: join(dir, "twice.json"),
      path: "environments.dev",
      message: "is written twice in one object (lines 3 and 5); JSON keeps only the last, so the first would be dropped without a word",
      fix: "rename or remove one of them (line 5, column 5)",
    });
  });

  it("accepts a UTF-8 byte order mark (Windows PowerShell 5.1's Set-Content -Encoding UTF8 writes one)", () => {
    expect(Object.keys(readEnvironments(write("bom.json", `\uFEFF${JSON.stringify({ environments: { dev: {} } })}`)))).toEqual(["dev"]);
  });

  it("leaves V8's quote of the surrounding text, cut with '...', out of the reason", () => {
    const f = failure(write("cut.json", `{\n  "environments": { "dev": { "prefix": tru, "${"b".repeat(60)}": 1 } }\n}`));
    expect(f.source).toBe(`${join(dir, "cut.json")}:2:43`);
    expect(f.message).toBe("is not valid JSON: Unexpected token ','");
  });

  it("reports a JSON syntax error with the file, line and column", () => {
    const f = failure(write("comma.json", '{\n  "environments": {\n    "dev": {},\n  }\n}\n'));
    expect(f.source).toBe(`${join(dir, "comma.json")}:4:3`);
    expect(f.message).toMatch(/^is not valid JSON: /);
    expect(f.fix).toMatch(/trailing commas/);
  });

  it("finds the line and column when V8 names no position", () => {
    const text = '{\n  "environments": { "dev": { "prefix": tru } }\n}';
    const message = (() => {
      try {
        JSON.parse(text);
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    })();
    expect(message).not.toMatch(/position/);
    expect(jsonSyntaxError(text, message)).toMatchObject({ line: 2, column: 43 }); // the space after "tru";
  });

  it("says a folder given as the configuration is a folder", () => {
    expect(failure(dir)).toMatchObject({ source: dir, message: "is a folder, not a file", fix: expect.stringMatching(/point --config \/ CHAT_CONFIG at an existing file/) });
  });

  it("says a missing file does not exist and how to point at another", () => {
    expect(failure(join(dir, "nope.json"))).toMatchObject({ message: "does not exist", fix: expect.stringMatching(/--config .*CHAT_CONFIG/) });
  });

  it("takes --config over CHAT_CONFIG over config/environments.json, relative to the working directory", () => {
    expect(configFile(["--config", "x.json"], { CHAT_CONFIG: "y.json" }, "/p")).toBe("/p/x.json");
    expect(configFile(["--config=x.json"], {}, "/p")).toBe("/p/x.json");
    expect(configFile([], { CHAT_CONFIG: "/abs/y.json" }, "/p")).toBe("/abs/y.json");
    expect(configFile([], {}, "/p")).toBe("/p/config/environments.json");
    expect(() => configFile(["--config"], {}, "/p")).toThrow(ConfigError);
  });
});
