#!/usr/bin/env bash
# Builds, packages and tests the VS Code extension; exits non-zero on any failure.
# The LSP test needs the real server: REPLYLINT_SERVER (a command line), else
# `replylint` on PATH, else the repository's .venv is used when it has replylint.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [[ -z "${REPLYLINT_SERVER:-}" ]] && ! command -v replylint >/dev/null 2>&1; then
  repo_venv="$(cd ../.. && pwd)/.venv/bin/replylint"
  if [[ -x "$repo_venv" ]]; then
    export REPLYLINT_SERVER="$repo_venv lsp"
  fi
fi
echo "replylint server for the LSP test: ${REPLYLINT_SERVER:-replylint lsp}"

npm ci --no-audit --no-fund
npm run typecheck
npm run build
npm run package
npm test
