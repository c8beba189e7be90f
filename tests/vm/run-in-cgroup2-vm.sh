#!/usr/bin/env bash
# Runs tests of a build inside a pure cgroup v2 guest (the cgroup2-vm tool: Debian's kernel under QEMU
# over this machine's filesystem), twice: as root, and as a normal user who owns a delegated subtree
# set up as systemd sets up user@UID.service. The guest sees the build folder through a throw-away
# overlay, so the tests may write into it as either user and nothing reaches this machine.
#
#   run-in-cgroup2-vm.sh BUILD_DIR [CTEST_REGEX]
#
# Exits 77 (ctest's SKIP_RETURN_CODE here) when QEMU, the guest kernel or the tool is missing.
# Timings inside the guest mean nothing: it runs under software emulation.
set -uo pipefail
build=$(cd "${1:?usage: run-in-cgroup2-vm.sh BUILD_DIR [CTEST_REGEX]}" && pwd)
regex=${2:-tst_resourcegroup|tst_runtimefaults}
here=$(cd "$(dirname "$0")" && pwd)

vm=${FN_CGROUP2_VM:-}
if [[ -z $vm ]]; then
  # The tool lives in the shared folder beside the repository (../shared/tools), or above a worktree.
  for dir in "$here/../.." "$here/../../.." "$here/../../../.." "$here/../../../../.."; do
    [[ -x $dir/shared/tools/cgroup2-vm ]] && { vm=$dir/shared/tools/cgroup2-vm; break; }
  done
fi
skip() { echo "SKIP: $*"; exit 77; }
[[ -n $vm && -x $vm ]] || skip "no cgroup2-vm tool (set FN_CGROUP2_VM)"
[[ $(id -u) == 0 ]] || skip "the guest is started as root"
# The tool installs what it needs (qemu-system-x86, busybox-static, linux-image-amd64) when they
# are missing, as root: on a fresh machine the first run does; without a package source it fails
# here, said by the tool, rather than being skipped in silence.

scratch=$(mktemp -d /tmp/fn-cgroup2-vm.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
# The tool runs the command chrooted into its overlay, and the kernel refuses a chrooted process a
# user namespace, which bubblewrap needs for a normal user. Leave the chroot as switch_root does:
# from the initramfs's own root (pid 1's), move the overlay onto / and enter it.
cat > "$scratch/guest.sh" <<GUEST
exec /proc/1/root/bin/busybox chroot /proc/1/root /bin/busybox sh -c \
  'cd /root && /bin/busybox mount --move . / && exec /bin/busybox chroot . /bin/bash $scratch/tests.sh'
GUEST
cli=$build/app/fnstudio-cli
cat > "$scratch/tests.sh" <<GUEST
set -u
build='$build' regex='$regex' cli='$cli'
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
export FN_SLOW_MACHINE_FACTOR=5 # software emulation: timeouts that are only room to work stretch
cd /tmp
status=0
echo "=== as root, in \$(cat /proc/self/cgroup)"
[[ -x \$cli ]] && \$cli doctor | grep -A3 "resource backend"
ctest --test-dir "\$build" -R "\$regex" --output-on-failure || status=1

# A normal user with a delegated subtree, as systemd makes one: root enables the controllers down
# to user@UID.service and hands that folder to the user (the folder and its cgroup.procs,
# cgroup.subtree_control and cgroup.threads); the user's own manager makes app.slice and a scope.
user=fnvm
id -u \$user >/dev/null 2>&1 || useradd -m \$user
uid=\$(id -u \$user)
cg=/sys/fs/cgroup
service=user.slice/user-\$uid.slice/user@\$uid.service
mkdir -p \$cg/\$service
parent=\$cg
for part in user.slice user-\$uid.slice user@\$uid.service; do
  echo "+memory +pids +cpu" > \$parent/cgroup.subtree_control
  parent=\$parent/\$part
done
chown \$user \$cg/\$service \$cg/\$service/cgroup.procs \$cg/\$service/cgroup.subtree_control \$cg/\$service/cgroup.threads
setpriv --reuid=\$uid --regid=\$uid --init-groups sh -c "
  mkdir -p \$cg/\$service/app.slice/fntest.scope &&
  echo '+memory +pids +cpu' > \$cg/\$service/cgroup.subtree_control &&
  echo '+memory +pids' > \$cg/\$service/app.slice/cgroup.subtree_control"
# The build folder is the guest's overlay of this machine's: make it the user's to write in.
chown -R \$user "\$build/Testing" 2>/dev/null; chmod a+rwx "\$build" "\$build/Testing" 2>/dev/null
echo \$\$ > \$cg/\$service/app.slice/fntest.scope/cgroup.procs
echo "=== as \$user (uid \$uid), in \$(cat /proc/self/cgroup)"
[[ -x \$cli ]] && HOME=/home/\$user setpriv --reuid=\$uid --regid=\$uid --init-groups \$cli doctor | grep -A3 "resource backend"
HOME=/home/\$user setpriv --reuid=\$uid --regid=\$uid --init-groups \
  ctest --test-dir "\$build" -R "\$regex" --output-on-failure || status=1
echo "=== the delegated subtree afterwards:"
find \$cg/\$service -type d | sed "s|\$cg/||"
exit \$status
GUEST
"$vm" --rw "$scratch" -- "bash $scratch/guest.sh"
rc=$?
[[ $rc == 3 ]] && skip "the guest did not run to the end"
exit $rc
