#!/bin/sh
# Runs a test program, under valgrind memcheck when `meson test
# --setup=valgrind` set SANCTAG_WRAPPER (scripts wrap only the sanctag binary
# they drive, so bash and python themselves are never run under valgrind).
if [ -n "${SANCTAG_WRAPPER:-}" ]; then
  exec valgrind -q --error-exitcode=97 --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite "$@"
fi
exec "$@"
