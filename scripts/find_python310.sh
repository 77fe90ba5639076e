#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (TFX 1.16 supports 3.9-3.10 only).
# Looks for python3.10 on PATH, then under pyenv's versions; fails with a clear message.
set -u
# pyenv shims answer `command -v` even when 3.10 is not active, so check it runs.
if command -v python3.10 >/dev/null 2>&1 && python3.10 -c 'import sys' >/dev/null 2>&1; then
  command -v python3.10
  exit 0
fi
root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
for candidate in $(ls -d "$root"/versions/3.10.* 2>/dev/null | sort -V -r); do
  if [ -x "$candidate/bin/python3.10" ]; then
    echo "$candidate/bin/python3.10"
    exit 0
  fi
done
cat >&2 <<MSG
error: Python 3.10 not found.
bert_tf needs Python 3.10 (TFX 1.16 supports 3.9-3.10 and TFX 1.17+ does not install here).
Install it, e.g. 'pyenv install 3.10.13' or your distribution's python3.10 package,
so that 'python3.10' is on PATH or under \$(pyenv root)/versions/3.10.*.
MSG
exit 1
