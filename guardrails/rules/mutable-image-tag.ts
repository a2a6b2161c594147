import { appKind, apps, describe } from "../azure";
import { type Finding, type Rule, finding } from "../rule";
import { type TfResource, block, blocks, str } from "../terraform-json";

/**
 * A container the app pulls by a mutable tag (`:latest`, or no tag, which means latest)
 * can change at the next restart or scale-out without any Terraform change: what was
 * reviewed is not what runs.
 * https://learn.microsoft.com/azure/container-registry/container-registry-image-tag-version
 */
export const mutableImageTag: Rule = {
  id: "AZ-APP-006",
  name: "mutable-image-tag",
  severity: "warning",
  title: "Web app runs a container image by a mutable tag",
  why: "`latest` (or no tag) is re-resolved at every pull, so a restart can run code nobody reviewed; a pinned version or digest keeps deploys reproducible.",
  fix: "Pin the image: a version tag (`image:1.4.2`) or a digest (`image@sha256:...`).",
  helpUri: "https://learn.microsoft.com/azure/container-registry/container-registry-image-tag-version",
  evaluate(model) {
    const findings: Finding[] = [];
    for (const app of apps(model)) {
      for (const image of imagesOf(app)) {
        if (image.includes("${")) continue;
        const tag = mutableTag(image);
        if (tag) findings.push(finding(this, app, `${describe(app)}: runs container image ${JSON.stringify(image.slice(0, 200))} ${tag}.`));
      }
    }
    return findings;
  },
};

/** The container images an app runs, however its type spells them. */
function imagesOf(app: TfResource): string[] {
  if (appKind(app) === "containerApp") {
    return blocks(app.values.template)
      .flatMap((t) => blocks(t.container).map((c) => str(c.image) ?? ""))
      .filter((i) => i !== "");
  }
  const site = block(app.values.site_config) ?? {};
  const stack = block(site.application_stack) ?? {};
  // Function Apps: application_stack.docker { registry_url, image_name, image_tag }.
  const docker = block(stack.docker);
  if (docker && str(docker.image_name)) {
    const tag = str(docker.image_tag);
    return [`${str(docker.image_name)}${tag ? `:${tag}` : ""}`];
  }
  // azurerm 4.x: application_stack.docker_image_name; 2.x/3.x: linux_fx_version = "DOCKER|image:tag".
  const fx = str(site.linux_fx_version) ?? str(site.windows_fx_version) ?? "";
  const image = str(stack.docker_image_name) ?? (fx.toUpperCase().startsWith("DOCKER|") ? fx.slice("DOCKER|".length) : undefined);
  return image ? [image] : [];
}

/** Why `image` is mutable, or undefined when it is pinned. */
export function mutableTag(image: string): string | undefined {
  if (image.includes("@sha256:")) return undefined;
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  if (colon === -1) return "with no tag (pulls latest)";
  return lastSegment.slice(colon + 1).toLowerCase() === "latest" ? 'by the tag "latest"' : undefined;
}
