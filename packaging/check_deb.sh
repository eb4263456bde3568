#!/usr/bin/env bash
# Install a CaseDesk .deb on this machine, run the installed self-test, start the desktop app offscreen, then
# remove the package and check nothing is left behind. Needs root (CI runs as root). Usage: check_deb.sh FILE.deb
# A casedesk package already installed here (say, from a run that was killed) is removed first.
set -euo pipefail
deb=${1:?usage: check_deb.sh FILE.deb}
if dpkg-query -W -f='${Status}' casedesk 2>/dev/null | grep -q 'installed'; then
  echo "check_deb: removing the casedesk package already installed here first."
  dpkg -r casedesk
fi
home=$(mktemp -d)
trap 'rm -rf "$home"; dpkg -r casedesk >/dev/null 2>&1 || true' EXIT
dpkg -i "$deb"
files=$(dpkg -L casedesk)
test -L /usr/bin/casedesk && test -f /usr/share/applications/casedesk.desktop
test -f /usr/share/icons/hicolor/256x256/apps/casedesk.png
# The self-test through the /usr/bin symlink, as a user would start it; it names the site profile in force.
CASEDESK_HOME=$home QT_QPA_PLATFORM=offscreen /usr/bin/casedesk-debug selftest | tee "$home/selftest.txt"
if [ -f /opt/casedesk/site.json ]; then grep -q "site profile: /opt/casedesk/site.json (" "$home/selftest.txt"; fi
# The desktop app must get as far as its first-run window and stay up (Qt plugins and libraries all load).
set +e
CASEDESK_HOME=$home QT_QPA_PLATFORM=offscreen timeout 8 /usr/bin/casedesk > "$home/gui.txt" 2>&1
code=$?
set -e
if [ "$code" != 124 ]; then
  cat "$home/gui.txt"; echo "check_deb: the desktop app exited ($code) instead of showing its first window." >&2; exit 1
fi
dpkg -r casedesk
trap 'rm -rf "$home"' EXIT
if dpkg-query -W -f='${Status}' casedesk 2>/dev/null | grep -q 'installed'; then
  echo "check_deb: dpkg still lists casedesk after dpkg -r." >&2; exit 1
fi
left=$(while read -r f; do if [ ! -d "$f" ] && { [ -e "$f" ] || [ -L "$f" ]; }; then echo "$f"; fi; done <<< "$files")
if [ -e /opt/casedesk ]; then left="$left /opt/casedesk"; fi
if [ -n "$left" ]; then
  echo "check_deb: left behind after dpkg -r: $left" >&2; exit 1
fi
echo "check_deb: $(basename "$deb") installed, self-tested, started and removed cleanly."
