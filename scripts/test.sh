#!/usr/bin/env bash
# The test command: compile, then jest over the compiled tests, one file at a time (the engine tests each
# start Pulumi and a local Logto; two cores gain nothing from running them side by side).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rm -rf dist/test
tsc -p tsconfig.json
exec node node_modules/jest/bin/jest.js --runInBand "$@"
