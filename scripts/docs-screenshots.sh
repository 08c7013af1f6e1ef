#!/usr/bin/env bash
# Copies the screenshots the user guide shows from the browser tests' output
# into docs/images/, downscaled and in 256 colours so the repository stays
# small. Run it after `make e2e` (or `./e2e/run.sh sqlite …`) to refresh the
# images:
#
#   scripts/docs-screenshots.sh [ARTIFACTS_DIR]     # default e2e/artifacts/sqlite
#
# Each line of IMAGES is "<test screenshot> <name in docs/images>"; the
# screenshot names are those passed to shot() / { screenshot } in
# e2e/tests/*.mjs. Without ImageMagick's `convert` the files are copied as
# they are (1280 px wide, about 800 KB for the ten). Exits 1, naming it, when a screenshot is missing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC=${1:-$ROOT/e2e/artifacts/sqlite}
DEST=$ROOT/docs/images
WIDTH=${DOCS_IMAGE_WIDTH:-1000}

IMAGES="
01-signin                     signin
26-account                    account
27-account-token-created      token-created
10-home-expert                home-expert
06-account-created-expert     account-created
41-bulk-invitation            bulk-invitation
43-project-request            project-request
44-approvals-inbox            approvals
31-novice-finds-the-draft-of-a-job work-draft
34-departure-preview          departure-preview
"

[ -d "$SRC" ] || { echo "no screenshots in $SRC: run the browser tests first (make e2e)" >&2; exit 1; }
mkdir -p "$DEST"
missing=0
# A real ImageMagick only (some machines have a stand-in named convert).
resize=no
if convert -version 2>/dev/null | grep -q ImageMagick; then resize=yes; fi
while read -r shot name; do
  [ -n "$shot" ] || continue
  from=$SRC/$shot.png
  to=$DEST/$name.png
  if [ ! -f "$from" ]; then
    echo "missing: $from" >&2
    missing=1
    continue
  fi
  if [ "$resize" = yes ]; then
    # Only shrink (">"), never enlarge; 256 colours suit flat UI screenshots.
    convert "$from" -resize "${WIDTH}x>" -strip -colors 256 \
      -define png:compression-level=9 "PNG8:$to"
  else
    cp "$from" "$to"
  fi
  echo "$to ($(du -k "$to" | cut -f1) KB)"
done <<< "$IMAGES"
exit $missing
