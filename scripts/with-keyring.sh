#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring (the real Secret Service).
# The keyring lives in a throwaway directory: a leftover "login" keyring made with another password would stay
# locked (there is no prompter without a display), and tests must never touch the user's real keyring.
# Usage: scripts/with-keyring.sh npx vitest run --project integration
set -uo pipefail
if [ "$#" -eq 0 ]; then
  echo "usage: scripts/with-keyring.sh <command> [args...]" >&2
  exit 2
fi
for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || { echo "with-keyring: $tool is missing (apt install dbus gnome-keyring)" >&2; exit 127; }
done
keyring_dir="$(mktemp -d "${TMPDIR:-/tmp}/companion-keyring.XXXXXX")"
trap 'rm -rf "$keyring_dir"' EXIT
mkdir -m 0700 "$keyring_dir/data" "$keyring_dir/run"

dbus-run-session -- bash -c '
  dir="$1"; shift
  # Only the daemon sees the temp dirs, so the command keeps the caller'"'"'s HOME and XDG paths.
  printf "%s" "companion-test" |
    env -u GNOME_KEYRING_CONTROL XDG_DATA_HOME="$dir/data" XDG_RUNTIME_DIR="$dir/run" \
      gnome-keyring-daemon --unlock --components=secrets >/dev/null ||
    { echo "with-keyring: gnome-keyring-daemon failed to start" >&2; exit 1; }
  # The daemon forks before it claims org.freedesktop.secrets. A client that came first would make D-Bus activate a
  # second daemon with the default (real) keyring dir; and a daemon that missed the bus would outlive the session.
  daemon_pid=""
  for _ in $(seq 200); do
    daemon_pid="$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus / \
      org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null | awk "{print \$2}")"
    [ -n "$daemon_pid" ] && break
    sleep 0.05
  done
  [ -n "$daemon_pid" ] || { echo "with-keyring: the Secret Service did not appear on the bus" >&2; exit 1; }
  # Stop the daemon and wait for it: it writes its keystore on the way out, which would race the rm -rf below.
  stop_daemon() {
    kill "$daemon_pid" 2>/dev/null || return 0
    for _ in $(seq 100); do
      state="$(awk "{print \$3}" "/proc/$daemon_pid/stat" 2>/dev/null)"
      [ -z "$state" ] || [ "$state" = Z ] && return 0
      sleep 0.02
    done
  }
  trap stop_daemon EXIT
  trap "exit 130" INT TERM
  "$@"
' bash "$keyring_dir" "$@"
