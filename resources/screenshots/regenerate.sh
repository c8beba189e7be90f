#!/usr/bin/env bash
# Regenerates the README's screenshots: the studio on the example project after a cold and two
# warm invocations, grabbed offscreen. Run after a build:
#   resources/screenshots/regenerate.sh [build/dev]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build/dev}
studio=$build/app/fnstudio
[[ -x $studio ]] || { echo "no studio at $studio: build first (./fnstudio.sh test)" >&2; exit 2; }
export QT_QPA_PLATFORM=offscreen
# A settings folder of its own, so a user's saved layout and recent projects stay out of the picture.
export XDG_CONFIG_HOME=$(mktemp -d)
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT
shoot() { # FILE PANELS INVOCATIONS
    "$studio" "$root/resources/examples/hello" --default-layout --size 1600x1000 --invoke "$3" --raise "$2" \
        --screenshot "$here/$1" --screenshot-delay 9000
    echo "wrote resources/screenshots/$1"
}
shoot studio-timeline.png timeline,logs 3
shoot studio-metrics.png metrics,memory 3
