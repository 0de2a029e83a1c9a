#!/usr/bin/env bash
# Install what vnrestore needs: Debian packages (if apt is there and they are missing)
# and the Python package with its dependencies in a virtual environment.
set -euo pipefail
PYTHON="${1:-python3}"
VENV="${2:-.venv}"

need=()
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
for lang in vie eng; do
  if ! (command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx "$lang"); then
    need+=("tesseract-ocr-$lang")
  fi
done
# rendered test pages need a serif font with every Vietnamese glyph (Liberation 2.x;
# fonts-liberation 1.07 lacks ơ and ư)
[ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need+=(fonts-liberation2)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "setup: installing ${need[*]}" >&2
    # OCR needs these; text restoration does not, so a failed install warns, not stops
    if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null; }; then
      echo "setup: warning: could not install ${need[*]}; OCR of images will not work until they are installed" >&2
    fi
  else
    echo "setup: warning: please install ${need[*]} (no apt-get here)" >&2
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -e ".[test,train]"
