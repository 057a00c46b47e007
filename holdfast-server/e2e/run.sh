#!/usr/bin/env bash
# Browser test of the live dashboard (/dashboard on the publish port) under a small load.
# Needs the built jar (mvn -B verify), node, and Debian's Chromium at /usr/bin/chromium; installs
# playwright-core here when missing. No browser is ever downloaded. Screenshots: ../target/screenshots/.
# Usage: holdfast-server/e2e/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
if [ ! -x /usr/bin/chromium ]; then
  echo "dashboard e2e: needs Debian's chromium (apt-get install chromium)" >&2
  exit 1
fi
[ -f node_modules/playwright-core/package.json ] \
  || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent >/dev/null
# The test stops itself within 100 s; this outer limit only guards against a hung node.
timeout --kill-after=10 130 node --test-reporter=spec dashboard.test.mjs
