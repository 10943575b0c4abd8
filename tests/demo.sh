#!/usr/bin/env bash
# make demo: the shipped templates, built and explained; nothing is sent.
set -eu
cd "$(dirname "$0")/.."
vars="-D TARGET=10.9.0.2 -D IP=10.9.0.1 -D TO_MAC=02:00:00:00:00:02 -D TO_IP=10.9.0.2
      -D DST=10.9.0.2 -D PORT=9230 -D SPORT=40000 -D DPORT=9230 -D SEQ=100 -D ACK=1
      -D TEXT=hello"
echo "== every shipped template, one line each (rawcraft show NAME ...)"
for t in templates/*.pkt; do
	printf '%-16s ' "$(basename "$t" .pkt)"
	# shellcheck disable=SC2086
	./rawcraft show "$t" $vars --seed 1
done
echo
echo "== the classic lab's ARP request, field by field (rawcraft show -v -x)"
# shellcheck disable=SC2086
./rawcraft show arp-request $vars -v -x
echo "== a SYN with options, as JSON for jq (rawcraft show --json)"
# shellcheck disable=SC2086
./rawcraft show tcp-syn $vars --seed 1 --json
