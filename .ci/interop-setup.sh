#!/usr/bin/env bash
# Installs the real peers the interop tests (test/interop) run against, from Debian's packages:
# freeDiameter's daemon (freeDiameterd) with its extensions (dict_nasreq, dict_dcca,
# dict_dcca_3gpp, acl_wl, dbg_msg_dumps, ...), tshark/dumpcap to capture and decode, Perl
# Net::SMPP as an independent ESME, and Chromium to render the HTML reports.
# Idempotent and non-interactive: does nothing when everything is there; runs as root (CI) or
# through sudo.
set -euo pipefail

packages=(freediameterd freediameter-extensions tshark libnet-smpp-perl chromium)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "== interop peers already installed: ${packages[*]}"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

# wireshark-common asks whether non-root users may capture; the tests capture as root: "no".
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections

install() {
  $SUDO apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}"
}

# Refresh the package lists only when they cannot resolve the packages, or when installing from
# them fails (lists older than the mirror).
if ! apt-cache show "${missing[@]}" >/dev/null 2>&1; then
  $SUDO apt-get update -q
fi
echo "== installing ${missing[*]}"
if ! install; then
  $SUDO apt-get update -q
  install
fi

command -v freeDiameterd >/dev/null
command -v tshark >/dev/null
perl -MNet::SMPP -e 1
echo "== interop peers installed: $(freeDiameterd --version 2>/dev/null | head -n 1 || true); $(tshark --version | head -n 1)"
