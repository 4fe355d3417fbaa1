#!/usr/bin/env bash
# check-layers.sh: fails when a file under src/ includes a header of a higher layer (`make layers`).
#   scripts/check-layers.sh [SRC_DIR]     default src; prints each upward include, exit 1 if any
# The layers, lowest first, are the Makefile's LAYERS; an include may point down or sideways.
set -euo pipefail
src=${1:-src}
layers=(${LAYERS:-base http domain store api cmd})
rank() { local i; for i in "${!layers[@]}"; do [[ ${layers[$i]} == "$1" ]] && { echo "$i"; return; }; done; echo -1; }
bad=0
for layer in "${layers[@]}"; do
  mine=$(rank "$layer")
  for file in "$src/$layer"/*.cc "$src/$layer"/*.h; do
    [[ -e $file ]] || continue
    while IFS=: read -r line target; do
      theirs=$(rank "${target%%/*}")
      if (( theirs < 0 )); then
        echo "$file:$line: includes \"$target\", which is in no layer" >&2; bad=1
      elif (( theirs > mine )); then
        echo "$file:$line: $layer includes \"$target\" from the higher layer ${target%%/*}" >&2; bad=1
      fi
    done < <(grep -nE '^#include "' "$file" | sed -E 's/^([0-9]+):#include "([^"]+)".*/\1:\2/')
  done
done
exit $bad
