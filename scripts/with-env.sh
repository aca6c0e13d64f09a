#!/usr/bin/env bash
# Runs a command with the project's toolchain: setup first (fast when already done), then the command.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/setup.sh"
cd "$ROOT"
exec "$@"
