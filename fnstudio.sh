#!/usr/bin/env bash
# The README's two commands:
#   ./fnstudio.sh        install what is missing, build, open the studio on the example project
#   ./fnstudio.sh test   the same set-up, then the whole test suite through ctest
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
mode=${1:-run}
preset=${FN_PRESET:-dev}

say() { printf 'fnstudio: %s\n' "$*" >&2; }

install_packages() {
    local wanted missing=()
    mapfile -t wanted < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' installers/debian-packages.txt)
    if ! command -v dpkg-query >/dev/null 2>&1; then
        say "this is not a Debian-like system; make sure these (or your platform's equivalents) are installed:"
        printf '  %s\n' "${wanted[@]}" >&2
        return 0
    fi
    local p
    for p in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    # npm comes with some builds of nodejs (NodeSource's provide it); Debian's own is a package.
    command -v npm >/dev/null 2>&1 || missing+=(npm)
    ((${#missing[@]} == 0)) && return 0
    say "installing missing packages: ${missing[*]}"
    local sudo=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null 2>&1 || { say "need root (or sudo) to install: ${missing[*]}"; exit 1; }
        sudo=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ! "${sudo[@]}" apt-get install -y -q "${missing[@]}"; then
        "${sudo[@]}" apt-get update -q
        "${sudo[@]}" apt-get install -y -q "${missing[@]}"
    fi
}

build() {
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset" -j "$(nproc)"
}

# The AWS SDK for JavaScript v3, as a Lambda layer's nodejs/node_modules, for the tests that show
# a Node function signing its calls (tests/integration/tst_access.cpp); the versions are pinned in
# tests/integration/aws-sdk-js/package.json and fetched from the npm registry once.
install_js_sdk() {
    local layer=build/$preset/aws-sdk-js/nodejs
    cmp -s tests/integration/aws-sdk-js/package.json "$layer/package.json" &&
        [[ -f $layer/node_modules/@aws-sdk/client-s3/package.json ]] && return 0
    say "installing the AWS SDK for JavaScript v3 from npm into $layer"
    rm -rf "$layer" && mkdir -p "$layer"
    cp tests/integration/aws-sdk-js/package.json "$layer/"
    npm install --prefix "$layer" --no-audit --no-fund --omit=dev --loglevel=error >&2
}

case "$mode" in
    run)
        install_packages
        build
        bin=build/$preset/app
        example=resources/examples/hello
        if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
            say "no display found (DISPLAY and WAYLAND_DISPLAY are unset), so the studio cannot open."
            say "the headless equivalent, with the same engine:"
            say "  $bin/fnstudio-cli doctor"
            say "  $bin/fnstudio-cli invoke HelloPython --project $example --event $example/events/HelloPython/greeting.json --repeat 2"
            exit 0
        fi
        exec "$bin/fnstudio" "$example"
        ;;
    test)
        install_packages
        build
        install_js_sdk
        ctest --preset "$preset" "${@:2}"
        ;;
    *)
        say "usage: ./fnstudio.sh [test [ctest arguments]]"
        exit 2
        ;;
esac
