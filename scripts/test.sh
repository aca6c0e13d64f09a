#!/usr/bin/env bash
# The test command, run through scripts/with-env.sh (whose setup has just built dist/): jest over the compiled
# tests, one file at a time (the engine tests each start Pulumi and a local Logto; two cores gain nothing from
# running them side by side).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec node node_modules/jest/bin/jest.js --runInBand "$@"
