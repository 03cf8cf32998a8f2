#!/usr/bin/env bash
# bench/run-evutil.sh -- chapter 2's utility calls, litevent against libevent 2.1.
set -euo pipefail
cd "$(dirname "$0")/.."
bench/compare.sh bench/evutil.c 200000
