import { Testing } from "cdktf";
// Brings the typings of the matchers below (toHaveResourceWithProperties, ...).
import "cdktf/lib/testing/adapters/jest";

// Adds toHaveResource, toHaveResourceWithProperties, toBeValidTerraform... to expect().
Testing.setupJest();
