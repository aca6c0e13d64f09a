#!/usr/bin/env bash
# Packs the Logto provider plugin into dist/pulumi-resource-logto-v<version>-linux-x64.tar.gz, an archive that
# `pulumi plugin install resource logto <version> --file <archive>` installs on a machine with Node >= 22 on
# PATH: the launcher, the compiled plugin, providers, client and component/references, and their production dependencies
# (@pulumi/pulumi, zod, undici, ...) installed from the npm registry (npm's cache first). Run after setup.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
version="$(node -p 'require(process.argv[1]).version' "$ROOT/package.json")"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
lib="$stage/lib"
mkdir -p "$lib/dist/langhost"
for dir in plugin providers client; do
  mkdir -p "$lib/dist/$dir"
  cp "$ROOT/dist/$dir/"*.js "$lib/dist/$dir/"
done
# Of langhost/, the plugin-process pieces both plugins share: arguments, log, engine watch.
cp "$ROOT/dist/langhost/args.js" "$ROOT/dist/langhost/log.js" "$ROOT/dist/langhost/engineWatch.js" "$lib/dist/langhost/"
# Of component/, only the references' providers (ExistingRole) that the plugin serves.
mkdir -p "$lib/dist/component"
cp "$ROOT/dist/component/references.js" "$lib/dist/component/"
# The package's runtime dependencies, with @pulumi/pulumi (a peer dependency of the library) at the pinned version.
node -e '
  const pkg = require(process.argv[1]);
  const out = { name: "pulumi-resource-logto", version: pkg.version, private: true, license: pkg.license,
    dependencies: { ...pkg.dependencies, "@pulumi/pulumi": pkg.devDependencies["@pulumi/pulumi"] } };
  require("fs").writeFileSync(process.argv[2], JSON.stringify(out, null, 2) + "\n");
' "$ROOT/package.json" "$lib/package.json"
(cd "$lib" && npm install --omit=dev --prefer-offline --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
cat > "$stage/pulumi-resource-logto" <<'LAUNCHER'
#!/bin/sh
# The Logto provider plugin, as installed by `pulumi plugin install resource logto <version> --file ...`: runs
# with the first Node >= 22 on PATH.
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
exec node "$here/lib/dist/plugin/main.js" "$@"
LAUNCHER
chmod +x "$stage/pulumi-resource-logto"
cp "$ROOT/LICENSE" "$stage/"
archive="$ROOT/dist/pulumi-resource-logto-v$version-linux-x64.tar.gz"
tar -czf "$archive" -C "$stage" .
echo "$archive"
