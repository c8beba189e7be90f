#!/usr/bin/env bash
# Runs a build's sandbox and engine tests again as a normal user on this machine, as most people run
# the studio: no root, cgroups that are root's (so the sandbox falls back to what the user may do).
#   run-as-normal-user.sh BUILD_DIR REGEX
# Needs root to become the user (a system user fnstudio-test is made when missing); exits 77 (ctest's
# SKIP_RETURN_CODE) when not run as root, or when the build folder is not readable by other users.
set -euo pipefail
build=$(cd "$1" && pwd) regex=$2
user=fnstudio-test
if ((EUID != 0)); then
    echo "run-as-normal-user: already a normal user (uid $EUID): the suite itself ran as one; skipped" >&2
    exit 77
fi
command -v runuser >/dev/null || { echo "run-as-normal-user: runuser is missing; skipped" >&2; exit 77; }
id -u "$user" >/dev/null 2>&1 || useradd --system --shell /usr/sbin/nologin --no-create-home "$user"
if ! runuser -u "$user" -- test -r "$build/CTestTestfile.cmake"; then
    echo "run-as-normal-user: $user cannot read $build (a parent folder is private); skipped" >&2
    exit 77
fi
home=$(mktemp -d /tmp/fnstudio-user.XXXXXX)
trap 'rm -rf "$home"' EXIT
# ctest keeps its logs beside the test file it reads: a scratch folder that only includes the build's
# tests, so the user writes nothing in the build and the outer run's logs stay whole.
printf 'subdirs("%s")\n' "$build" > "$home/CTestTestfile.cmake"
chown -R "$user" "$home"
echo "=== as $user (uid $(id -u "$user")): $(runuser -u "$user" -- env HOME="$home" "$build/app/fnstudio-cli" doctor 2>&1 | grep -m1 'resource backend' || true)"
cd "$home"
runuser -u "$user" -- env HOME="$home" ctest --test-dir "$home" -R "$regex" --output-on-failure
