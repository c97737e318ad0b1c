# Shared by the scripts of the pyganeti-file ExtStorage provider.
#
# Volumes are sparse files named $VOL_NAME.img in the data directory:
#   EXTP_DIR if given, else <cluster base dir>/extstorage-data/pyganeti-file
#   in a virtual cluster (GANETI_ROOTDIR is set: every virtual node sees the
#   same files, like shared storage), else /srv/ganeti/extstorage-data/
#   pyganeti-file.
# With EXTP_LOOP=yes (or auto, the default, when running as root with
# losetup) attach maps the file to a loop device; otherwise attach prints
# the file itself.

set -e

err() {
  echo "pyganeti-file: $*" >&2
  exit 1
}

[ -n "$VOL_NAME" ] || err "VOL_NAME is not set"
case "$VOL_NAME" in
  */*|.*) err "invalid volume name '$VOL_NAME'" ;;
esac

if [ -n "$EXTP_DIR" ]; then
  DATA_DIR="$EXTP_DIR"
elif [ -n "$GANETI_ROOTDIR" ]; then
  DATA_DIR="$(dirname "$GANETI_ROOTDIR")/extstorage-data/pyganeti-file"
else
  DATA_DIR=/srv/ganeti/extstorage-data/pyganeti-file
fi
case "$DATA_DIR" in
  /*) ;;
  *) err "the dir parameter must be an absolute path, not '$DATA_DIR'" ;;
esac

VOL_FILE="$DATA_DIR/$VOL_NAME.img"
META_FILE="$DATA_DIR/$VOL_NAME.meta"

case "${EXTP_LOOP:-auto}" in
  yes) USE_LOOP=1 ;;
  no) USE_LOOP=0 ;;
  auto)
    if [ "$(id -u)" = 0 ] && command -v losetup >/dev/null 2>&1; then
      USE_LOOP=1
    else
      USE_LOOP=0
    fi
    ;;
  *) err "the loop parameter must be yes, no or auto, not '$EXTP_LOOP'" ;;
esac

# The loop devices currently backed by the volume file, one per line
loop_devices() {
  [ "$USE_LOOP" = 1 ] || return 0
  losetup -j "$VOL_FILE" | cut -d: -f1
}

require_volume() {
  [ -f "$VOL_FILE" ] || err "volume $VOL_NAME does not exist ($VOL_FILE)"
}
