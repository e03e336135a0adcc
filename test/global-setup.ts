/**
 * Builds the project once before any test file runs, so tests that spawn the compiled CLI
 * (dist/cli/telsim.js) never race each other's builds.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const build = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: root, encoding: "utf8" });
  if (build.status !== 0)
    throw new Error(`the build failed (exit ${build.status}):\n${build.stdout}${build.stderr}`);
}
