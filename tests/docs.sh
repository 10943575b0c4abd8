# tests/docs.sh - sourced: the commands and outputs a page of docs/ shows,
# compared with a run's.  The suite sets DOC (the page) and defines
# doc_norm, a filter that writes its lab's addresses, MACs ... as the
# page's.
#   doc_block NAME     the fenced block after the line
#                      "<!-- SUITE: NAME -->" in $DOC (SUITE: the suite's
#                      file name)
#   doc_check NAME CMD OUT [FROM TO]...
#                      "$ CMD" and OUT, through doc_norm and with each FROM
#                      word written as TO, are the block NAME; the run's
#                      durations ("[ACK of #3, 26µs]") are written as the
#                      block's, in order, and so are the times of a run's
#                      view ("#4    0.000041"); on a difference the run's text is
#                      shown for the docs.  DOC_FIX, if set, is a sed script
#                      for the block: what this run may show otherwise
#   lab_norm [SED-ARGS]...
#                      a doc_norm's start, for suites of tests/lab.sh's lab:
#                      its addresses and MACs as the docs' lab writes them
#                      (10.9.0.x, 02:00:00:00:00:01 and :02), then SED-ARGS
#   handshake_pairs OUT
#                      FROM TO pairs for doc_check: a handshake view's port
#                      and the server's ISN as the docs show them (50862,
#                      458180811)
DOC_SUITE=$(basename "$0")
# The shipped examples by their bare names, as the docs run them (the
# sanitized binary's folder has none).
export RAWCRAFT_EXAMPLES=$ROOT/examples

lab_norm() {
	sed -e "s/10\.$LAB_NET\.0\./10.9.0./g" -e "s/$MAC_A/02:00:00:00:00:01/g" \
	    -e "s/$MAC_B/02:00:00:00:00:02/g" "$@"
}

doc_block() {
	awk -v m="<!-- $DOC_SUITE: $1 -->" '$0 == m { f = 1; next }
		f && /^```/ { if (n++) exit; next } f' "$DOC"
}

# doc_durations REF: stdin with its durations, and the times of a run's
# view, replaced by REF's, in order.
doc_durations() {
	"$PY" -c '
import re, sys
text = sys.stdin.read()
for pat in (re.compile(r"(?<=, )[0-9.]+(?:µs|ms|s)(?=\])"),
            re.compile(r"(?m)^#[0-9]+ +[0-9]+\.[0-9]{6}(?= )")):
    ref = iter(pat.findall(sys.argv[1]))
    text = pat.sub(lambda m: next(ref, m.group(0)), text)
sys.stdout.write(text)' "$1"
}

# doc_words [FROM TO]...: stdin with each FROM word written as TO.
doc_words() {
	local args=(-e '')
	while [ $# -ge 2 ]; do args+=(-e "s/\\b$1\\b/$2/g"); shift 2; done
	sed "${args[@]}"
}

doc_check() {
	local name=$1 cmd=$2 out=$3 got want
	shift 3
	want=$(doc_block "$name" | sed -e "${DOC_FIX:-}")
	got=$(printf '$ %s\n%s\n' "$cmd" "$out" | doc_norm | doc_words "$@" |
	      doc_durations "$want")
	if [ "$got" = "$want" ]; then
		ok "${DOC#"$ROOT/"} $name: the command and output shown are the run's"
	else
		not_ok "${DOC#"$ROOT/"} $name: the command and output shown are the run's" \
			"the docs differ; this run printed:"
		sed 's/^/# /' <<<"$got"
	fi
}

handshake_pairs() {
	local sport isn
	sport=$(grep -F 'TCP [SYN] ' <<<"$1" | head -1 | grep -oE ':[0-9]+ > ' | tr -dc 0-9)
	isn=$(grep -F 'TCP [SYN, ACK] ' <<<"$1" | head -1 | grep -o 'abs seq=[0-9]*' | tr -dc 0-9)
	[ -n "$sport" ] && [ -n "$isn" ] || return
	echo "$sport 50862 $(( (isn + 2) % 4294967296 )) 458180813" \
		"$(( (isn + 1) % 4294967296 )) 458180812 $isn 458180811"
}
