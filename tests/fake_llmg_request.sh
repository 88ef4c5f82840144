#!/bin/sh
# A stand-in for `llmg request` that prints the gem's request for an input
# written by conformance_requests --emit (from the N.want beside it), to
# check the harness itself:
#     LLMG=tests/fake_llmg_request.sh sh tests/conformance_requests.sh
# must report 79 passed. Only `request FILE` is understood.
[ "$1" = request ] || { echo "error: fake: only 'request FILE'" >&2; exit 2; }
for file; do :; done
exec "${CONFORMANCE_BIN:-build/asan/conformance_requests}" --fake "$file"
