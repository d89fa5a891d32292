#!/usr/bin/env bash
# Proves that an unmodified Cohere SDK client reranks through the IRanker server: installs the npm package cohere-ai
# into a temporary folder and runs cohere-sdk-check.mjs against a server that is already running.
# Usage: benchmarks/server/cohere-sdk-check.sh http://127.0.0.1:8181 [api-key]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
base_url="${1:?usage: cohere-sdk-check.sh <server base URL> [api-key]}"
version="${COHERE_SDK_VERSION:-8.1.0}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/cohere-sdk-check.mjs" "$work/"
(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent "cohere-ai@$version" >/dev/null)
echo "cohere-ai $(node -p "require('$work/node_modules/cohere-ai/package.json').version"), node $(node --version)"
cd "$work" && node cohere-sdk-check.mjs "$base_url" "${2:-}"
