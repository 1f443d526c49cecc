#!/bin/sh
# Generate the build system from a git checkout (a release tarball needs no
# autogen.sh: run ./configure directly).
set -e
cd "$(dirname "$0")"
autoreconf --install --force
