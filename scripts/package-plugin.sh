#!/usr/bin/env bash
# Packs the Logto provider plugin for users elsewhere: OUT/pulumi-resource-logto-v<version>.tar.gz (default OUT:
# artifacts/, git-ignored), which `pulumi plugin install resource logto <version> --file <archive>` installs.
# The archive holds the launcher pulumi-resource-logto at its root, the compiled package (dist/ less tests,
# scripts, local Logto and examples), package.json and the production node_modules; it runs on the Node >= 22
# of the machine's PATH. Run through scripts/with-env.sh (npm run package:plugin), which has built dist/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$(mkdir -p "${1:-$ROOT/artifacts}" && cd "${1:-$ROOT/artifacts}" && pwd)"
version="$(node -p 'require(process.argv[1]).version' "$ROOT/package.json")"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage/dist"
for dir in plugin providers client spec component langhost; do
  (cd "$ROOT/dist" && find "$dir" -name '*.js' -print0 | xargs -0 cp --parents -t "$stage/dist")
done
# The package's own package.json (the plugin reads its version), its runtime dependencies and the SDK as a
# dependency (a peer for npm users); the versions are the lock file's.
node - "$ROOT" "$stage" <<'JS'
const [root, stage] = process.argv.slice(2);
const fs = require("node:fs");
const pkg = require(`${root}/package.json`);
const lock = require(`${root}/package-lock.json`);
const sdk = lock.packages["node_modules/@pulumi/pulumi"].version;
const out = {
  name: pkg.name, version: pkg.version, description: "The Logto provider plugin (pulumi-resource-logto)",
  license: pkg.license, private: true, engines: pkg.engines,
  dependencies: { ...pkg.dependencies, "@pulumi/pulumi": sdk },
};
fs.writeFileSync(`${stage}/package.json`, JSON.stringify(out, null, 2) + "\n");
JS
cp "$ROOT/package-lock.json" "$stage/package-lock.json"
(cd "$stage" && npm install --omit=dev --no-audit --no-fund --loglevel=error >&2 && rm -f package-lock.json)
cp "$ROOT/LICENSE" "$stage/LICENSE"
cat > "$stage/pulumi-resource-logto" <<'SH'
#!/bin/sh
# The Logto provider plugin, on the Node.js (>= 22) of PATH.
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$major" -lt 22 ]; then
  echo "pulumi-resource-logto: needs Node.js >= 22 on PATH (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
exec node "$here/dist/plugin/main.js" "$@"
SH
chmod +x "$stage/pulumi-resource-logto"
archive="$OUT/pulumi-resource-logto-v$version.tar.gz"
tar czf "$archive" -C "$stage" .
echo "$archive"
