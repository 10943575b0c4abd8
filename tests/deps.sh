#!/usr/bin/env bash
# Installs the Debian packages rawcraft builds and tests with, if missing.
set -eu
# tshark brings libwireshark-data, whose manuf and wka name the makers of
# MACs in -v trees (tests/suites/manuf.sh checks them against tshark's).
pkgs="make gcc clang libclang-rt-dev pkg-config libnet1-dev libpcap-dev
      libcmocka-dev tshark libwireshark-data python3 python3-scapy iproute2 procps
      tcpdump nftables iputils-ping man-db groff-base libcap2-bin chromium
      perl libxml2-utils"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
sudo=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "deps: need root to apt-get install$missing" >&2; exit 3; }
	sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; the default (no) is fine.
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
