#!/usr/bin/env bash
# Everything the tests need, then every test: unit tests and end-to-end tests over real SSH.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm test
