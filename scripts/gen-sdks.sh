#!/usr/bin/env bash
# Generates the Python, Go and .NET SDKs of the Logto provider plugin's schema (plugin/schema.json) into
# OUT (default sdk/, git-ignored): OUT/python, OUT/go (a Go module, with go.mod and go.sum), OUT/dotnet.
# `pulumi package gen-sdk` hands each language to its language host (pulumi-language-python, -go, -dotnet), which
# the Go module proxy does not serve here, so the hosts' own generators are called directly: tools/pulumi/sdkgen
# (Python and Go, pkg/v3 at the CLI's pinned version) and tools/sdkgen-dotnet (.NET, pkg/v3 v3.206.0, the last
# pkg/v3 that has it). Run through scripts/with-env.sh (npm run gen-sdks).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/versions.sh"
SCHEMA="${LOGTO_M2M_SCHEMA:-$ROOT/plugin/schema.json}"
OUT="$(mkdir -p "${1:-$ROOT/sdk}" && cd "${1:-$ROOT/sdk}" && pwd)"
GEN="$ROOT/.tools/sdkgen"
mkdir -p "$GEN"
(cd "$ROOT/tools/pulumi" && GOFLAGS=-mod=mod go build -o "$GEN/sdkgen" ./sdkgen)
(cd "$ROOT/tools/sdkgen-dotnet" && GOFLAGS=-mod=mod go build -o "$GEN/sdkgen-dotnet" .)

"$GEN/sdkgen" "$SCHEMA" python "$OUT/python"
"$GEN/sdkgen" "$SCHEMA" go "$OUT/go"
"$GEN/sdkgen-dotnet" "$SCHEMA" "$OUT/dotnet"

# The Go generator writes the packages alone; the module around them is the schema's importBasePath less its
# package folder, on the Go SDK of the pinned CLI version.
import_base="$(node -p 'require(process.argv[1]).language.go.importBasePath' "$SCHEMA")"
cat > "$OUT/go/go.mod" <<GOMOD
module ${import_base%/*}

go 1.24

require github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION
GOMOD
(cd "$OUT/go" && GOFLAGS=-mod=mod go mod tidy)
echo "SDKs of $SCHEMA in $OUT: python/ go/ dotnet/" >&2
