import type { IConstruct } from "constructs";

/**
 * Things only one construct of an app may own: a globally unique name, a stamp's naming
 * inputs, a state blob. Kept per app (the construct tree's root), so separate apps, as
 * in tests, never see each other's claims.
 */
export class AppClaims {
  private readonly byApp = new WeakMap<IConstruct, Map<string, string>>();

  /**
   * Claims `key` for `owner` in the app of `scope`.
   * @returns the owner that already holds `key`, or undefined when the claim is new
   */
  public claim(scope: IConstruct, key: string, owner: string = scope.node.path): string | undefined {
    let claims = this.byApp.get(scope.node.root);
    if (!claims) {
      claims = new Map<string, string>();
      this.byApp.set(scope.node.root, claims);
    }
    const held = claims.get(key);
    if (held === undefined) claims.set(key, owner);
    return held;
  }
}
