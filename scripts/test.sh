#!/usr/bin/env bash
# Everything the tests need, then every test: unit tests, end-to-end tests over real SSH, and
# output parity with the real ansible-playbook.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-ansible
npm test
