#!/usr/bin/env bash
# Results for graders, against a real peer's kernel: run --tap read by
# prove and TAP::Parser, --junit validated by xmllint, --gradescope's
# scores, --json's point objects, `rawcraft test` over several labs (one
# stream, one file, the worst exit status, a signal), faults before
# anything is sent; and the outputs docs/grading.md shows, with its labs.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab.sh"
lab_start || exit 0
R=$RAWCRAFT
case $R in /*) ;; *) R=$PWD/$R ;; esac
DOC=$ROOT/docs/grading.md
. "$TESTS_DIR/docs.sh"
# The docs' lab: 10.9.0.0/24, A .1, B .2; the labs in the folder the runs are in.
doc_norm() { sed -e "s/10\.$LAB_NET\.0\./10.9.0./g"; }
cd "$TMP" || exit 1
doc_block pass.lab >pass.lab
doc_block fail.lab >fail.lab
if ! grep -q '^expect port' pass.lab || ! grep -q '^expect synack' fail.lab; then
	not_ok "docs/grading.md's labs" "no pass.lab or fail.lab block in $DOC"
	exit 0
fi

# tap_counts FILE: "tests passed failed skipped plan-ok parse-errors", as TAP::Parser reads it.
tap_counts() {
	perl -MTAP::Parser -e '
		my $p = TAP::Parser->new({ source => $ARGV[0] });
		while (defined(my $r = $p->next)) {}
		printf "%d %d %d %d %d %d\n", $p->tests_run, scalar($p->passed) - scalar($p->skipped),
			scalar($p->failed), scalar($p->skipped), $p->is_good_plan ? 1 : 0,
			scalar($p->parse_errors);' "$1"
}
# gs_scores FILE: "score sum-of-tests max statuses" of a results.json.
gs_scores() {
	"$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
t = r["tests"]
print(r["score"], sum(x["score"] for x in t), sum(x["max_score"] for x in t),
      "".join(x["status"][0] for x in t))' "$1"
}
# junit_counts FILE: "suites cases failures skipped" if xmllint finds it well-formed.
junit_counts() {
	xmllint --noout "$1" 2>&1 || return
	echo "$(xmllint --xpath 'count(//testsuite)' "$1") $(xmllint --xpath 'count(//testcase)' "$1")" \
	     "$(xmllint --xpath 'count(//testcase/failure)' "$1") $(xmllint --xpath 'count(//testcase/skipped)' "$1")"
}
# proves NAME FILE WANT: prove reading the TAP in FILE passes (WANT 0) or fails (1).
proves() {
	prove -e cat "$2" >prove.out 2>&1
	expect_eq "$1" "$([ $? = 0 ] && echo 0 || echo 1)$(grep -c 'Parse errors' prove.out)" "${3}0"
}

# 1. A lab that passes: TAP alone on stdout, the view on stderr; prove reads it.
in_a "$R" run pass.lab -D TARGET="$IP_B" --tap --junit p.xml --gradescope p.json >p.tap 2>p.err; rc=$?
expect_eq "pass.lab --tap: exit 0" "$rc" 0
expect_eq "pass.lab --tap: stdout is TAP from its first line" "$(head -1 p.tap)" "TAP version 13"
expect_eq "pass.lab --tap: the view went to stderr, none of it to stdout" \
	"$(grep -c '^#[0-9].* TCP \[RST' p.err):$(grep -c '^#' p.tap)" "1:0"
expect_eq "pass.lab: TAP::Parser reads 3 passed, a good plan, no parse errors" "$(tap_counts p.tap)" "3 3 0 0 1 0"
proves "pass.lab: prove passes its TAP" p.tap 0
expect_eq "pass.lab: TAP names the label an expect took" "$(sed -n 3p p.tap)" "ok 2 - expect port (closed)"
expect_eq "pass.lab: the JUnit file is valid, 1 suite of 3 cases, none failed" "$(junit_counts p.xml)" "1 3 0 0"
expect_eq "pass.lab: results.json scores 4 of 4" "$(gs_scores p.json)" "4 4 4 ppp"

# 2. A lab that fails a point: exit 1; the point it never reached is skipped.
in_a "$R" run fail.lab -D TARGET="$IP_B" --tap --junit f.xml --gradescope f.json >f.tap 2>f.err; rc=$?
expect_eq "fail.lab --tap: exit 1" "$rc" 1
expect_eq "fail.lab: TAP::Parser reads 1 passed, 1 failed, 2 skipped, a good plan" "$(tap_counts f.tap)" "4 1 1 2 1 0"
proves "fail.lab: prove fails its TAP, reading it whole" f.tap 1
doc_check tap "rawcraft run fail.lab -D TARGET=10.9.0.2 --tap 2>/dev/null" "$(cat f.tap)"
expect_eq "fail.lab: the JUnit file is valid, 4 cases, 1 failed, 2 skipped" "$(junit_counts f.xml)" "1 4 1 2"
expect_eq "fail.lab: results.json scores 2 of 7" "$(gs_scores f.json)" "2 2 7 pfff"
# --keep-going: the check that needs the SYN/ACK skipped, the last point passes;
# TAP, JUnit and results.json agree.
in_a "$R" run fail.lab -D TARGET="$IP_B" --keep-going --tap --junit k.xml --gradescope k.json >k.tap 2>/dev/null; rc=$?
expect_eq "fail.lab --keep-going: exit 1; TAP, JUnit and results.json: 2 passed, 1 failed, 1 skipped" \
	"$rc:$(tap_counts k.tap):$(junit_counts k.xml):$(gs_scores k.json)" "1:4 2 1 1 1 0:1 4 1 1:3 3 7 pffp"
doc_check keepgoing "rawcraft run fail.lab -D TARGET=10.9.0.2 --keep-going --tap 2>/dev/null" "$(cat k.tap)"
in_a "$R" run fail.lab -D TARGET="$IP_B" --gradescope results.json >/dev/null 2>&1
doc_check gradescope "rawcraft run fail.lab -D TARGET=10.9.0.2 --gradescope results.json >/dev/null; cat results.json" \
	"$(cat results.json)"

# 3. --json: an object per point with its outcome, the label taken included.
in_a "$R" run pass.lab -D TARGET="$IP_B" --json >j.out; rc=$?
expect_eq "pass.lab --json: exit 0, every line JSON" "$rc:$("$PY" -c '
import json, sys
print(sum(1 for l in open(sys.argv[1]) if json.loads(l)))' j.out)" "0:$(wc -l <j.out)"
doc_check json "rawcraft run pass.lab -D TARGET=10.9.0.2 --json | grep '\"point\"'" "$(grep '"point"' j.out)"

# 4. rawcraft test: three labs, one summary, the worst status, one stream and file each.
in_a "$R" test pass.lab fail.lab pass.lab -D TARGET="$IP_B" --tap --junit t.xml \
	--gradescope t.json >t.tap 2>t.err; rc=$?
expect_eq "test: exit 1, the worst of its labs" "$rc" 1
expect_eq "test: a line before each lab's view, one summary line" "$(grep -c '^== ' t.err):$(tail -1 t.err)" \
	"3:3 labs, 10 points of 15: 7 passed, 1 failed, 2 skipped"
expect_eq "test: TAP::Parser reads one stream of 10 points under one plan" "$(tap_counts t.tap)" "10 7 1 2 1 0"
expect_eq "test: JUnit holds a testsuite per lab" "$(junit_counts t.xml)" "3 10 1 2"
expect_eq "test: results.json scores 10 of 15" "$(gs_scores t.json)" "10 10 15 ppppfffppp"
in_a "$R" test pass.lab pass.lab -D TARGET="$IP_B" >t2.out 2>&1; rc=$?
expect_eq "test: labs that all pass: exit 0" "$rc:$(tail -1 t2.out)" "0:2 labs, 8 points of 8: 6 passed, 0 failed, 0 skipped"
in_a "$R" test pass.lab fail.lab -D TARGET="$IP_B" --tap --gradescope results.json >t3.tap 2>t3.err
doc_check test "rawcraft test pass.lab fail.lab -D TARGET=10.9.0.2 --tap --gradescope results.json 2>/dev/null" \
	"$(cat t3.tap)"
expect_eq "docs/grading.md summary: the summary shown is the run's" "$(tail -1 t3.err)" "$(doc_block summary)"

in_a "$R" test pass.lab -D TARGET="$IP_B" --json >t4.out 2>&1; rc=$?
expect_eq "test --json: the lab's name first, the summary last, as JSON" "$rc:$(head -1 t4.out) $(tail -1 t4.out)" \
	'0:{"lab":"pass.lab"} {"labs":1,"score":4,"max_score":4,"passed":3,"failed":0,"skipped":0}'

# 5. Faults before anything is sent: a bad lab among good ones, a bad path, wrong options.
printf 'send x\n  ipv4 dst=${TARGET}\nexpect y within 1s points lots\n  ipv4\n' >bad.lab
out=$(in_a "$R" test pass.lab bad.lab -D TARGET="$IP_B" --junit none.xml 2>&1); rc=$?
expect_eq "test: a bad lab among good ones is exit 2, nothing run, no file" \
	"$rc:$(grep -c '^== ' <<<"$out"):$(grep -c "^bad.lab:3:" <<<"$out"):$([ -e none.xml ] && echo made)" "2:0:1:"
out=$(in_a "$R" run pass.lab -D TARGET="$IP_B" --gradescope no/such/dir.json -w w.pcap 2>&1); rc=$?
expect_eq "run: --gradescope to a path that cannot be made is exit 3 before anything is sent" \
	"$rc:$(grep -c "cannot write 'no/such/dir.json'" <<<"$out"):$([ -e w.pcap ] && echo sent)" "3:1:"
for bad in "show arp-request --tap" "decode x.pcap --junit j.xml" "test pass.lab -w x.pcap" \
	   "test pass.lab --html x.html" "test"; do
	# shellcheck disable=SC2086
	"$R" $bad >/dev/null 2>&1; rc=$?
	expect_eq "'rawcraft $bad' is exit 2" "$rc" 2
done

# 6. A signal ends `test`: its lab and the rest are skipped, the files written, TAP bails out.
{ sed -n 1,6p fail.lab; echo 'sleep 20s'; sed -n 13,17p fail.lab; } >slow.lab
ip netns exec "$NS_A" "$R" test slow.lab pass.lab -D TARGET="$IP_B" --tap --gradescope s.json \
	>s.tap 2>/dev/null &
pid=$!
for _ in $(seq 50); do grep -q '^ok 1' s.tap 2>/dev/null && break; sleep 0.1; done
kill -INT "$pid"
wait "$pid"; rc=$?
expect_eq "test, SIGINT: exit 130" "$rc" 130
expect_eq "test, SIGINT: TAP ends in a bail out" "$(tail -1 s.tap)" "Bail out! stopped by a signal"
expect_eq "test, SIGINT: results.json holds every lab's points, those not reached skipped" \
	"$(gs_scores s.json)" "2 2 7 pffff"
expect_eq "test, SIGINT: nothing is left running" "$(ip netns pids "$NS_A" | wc -l)" 0
ip netns exec "$NS_A" "$R" run slow.lab -D TARGET="$IP_B" --junit s.xml >s.out 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q '^#2 ' s.out 2>/dev/null && break; sleep 0.1; done
kill -TERM "$pid"
wait "$pid"; rc=$?
expect_eq "run, SIGTERM: exit 143, the JUnit file valid with the point not reached skipped" \
	"$rc:$(junit_counts s.xml):$(xmllint --xpath 'string(//skipped/@message)' s.xml)" \
	"143:1 2 0 1:not reached: stopped by SIGTERM"

# 7. A lab's child that crashes (here SIGSEGV, sent to it) is that lab's fault,
# not a stop: exit 3, its point not reached skipped, the next lab run.
# ASan would take the SIGSEGV for its own report.
(ulimit -c 0; export ASAN_OPTIONS=$ASAN_OPTIONS:handle_segv=0; exec ip netns exec "$NS_A" "$R" test slow.lab pass.lab -D TARGET="$IP_B" --tap \
	--gradescope c.json >c.tap 2>c.err) &
pid=$!
for _ in $(seq 50); do grep -q '^ok 1' c.tap 2>/dev/null && break; sleep 0.1; done
kill -SEGV "$(pgrep -P "$pid")"
wait "$pid"; rc=$?
expect_eq "test, a lab's child crashed: exit 3, said, the next lab run, TAP read whole" \
	"$rc:$(grep -c '^rawcraft: error: slow.lab crashed (signal 11)' c.err):$(tap_counts c.tap)" "3:1:5 4 0 1 1 0"
expect_eq "test, a lab's child crashed: results.json holds both labs' points" "$(gs_scores c.json)" "6 6 7 pfppp"
expect_eq "test, a lab's child crashed: nothing is left running" "$(ip netns pids "$NS_A" | wc -l)" 0

# 8. Points in a `for` loop, as docs/grading.md says: one a round in a run
# that gets past the loop (3 x 2 + 1 = 7; the last check fails on purpose), but a run that stops in round 1 adds its steps not
# reached once, the rounds not run nothing (2 + 1 = 3).
{ echo 'for round in 1..3'; sed -n 2,6p pass.lab; echo end
  echo 'check reply.arp.op == 99'; } >loop.lab
in_a "$R" run loop.lab -D TARGET="$IP_B" --gradescope l1.json >/dev/null 2>&1; rc=$?
in_a "$R" run loop.lab -D TARGET="10.$LAB_NET.0.99" --gradescope l2.json >/dev/null 2>&1; rc2=$?
expect_eq "loop.lab: a run past the loop scores 6 of 7, one stopped in round 1 0 of 3" \
	"$rc:$(gs_scores l1.json) $rc2:$(gs_scores l2.json)" "1:6 6 7 pppf 1:0 0 3 ff"

# 9. Text as it is: a message of UTF-8, '#', '\', a tab and a bad byte (U+FFFD
# in its place), read back by TAP::Parser (the YAML block) and python's json.
{ sed -n 1,6p pass.lab; printf '%s\n' 'check reply.arp.op == 99 "caf\xc3\xa9 # \\ \xff t\tab"'; } >text.lab
in_a "$R" run text.lab -D TARGET="$IP_B" --tap --gradescope x.json --junit x.xml >x.tap 2>/dev/null
in_a "$R" run text.lab -D TARGET="$IP_B" --json >x.out 2>/dev/null
want=$(printf 'caf\303\251 # \\ \357\277\275 t\tab')
expect_eq "text.lab: TAP::Parser reads the YAML message as written" \
	"$(perl -MTAP::Parser -e '
		my $p = TAP::Parser->new({ source => $ARGV[0] });
		while (defined(my $r = $p->next)) { print $r->data->{message}, "|" if $r->is_yaml; }' x.tap)" \
	"$want|"
expect_eq "text.lab: python's json reads the message as written, in --json and results.json" \
	"$("$PY" -c '
import json, sys
m = [json.loads(l).get("message") for l in open(sys.argv[1], encoding="utf-8")]
o = json.load(open(sys.argv[2], encoding="utf-8"))["tests"][1]["output"]
print([x for x in m if x][0] + "|" + o.split("(", 1)[1].split(")\n")[0])' x.out x.json)" "$want|$want"
expect_eq "text.lab: xmllint reads the JUnit file, the failure's message as written, its tab kept" \
	"$(junit_counts x.xml):$(xmllint --xpath 'string(//failure/@message)' x.xml)" \
	"1 2 1 0:expected == 99, got reply ($want)"
# A lab named with UTF-8, '#' and '\': TAP::Parser reads the name in each title,
# its '#' escaped (TAP::Parser keeps the \#), no directive, the '\' as it is.
name=$(printf 'caf\303\251 #1 \\.lab')
cp pass.lab "$name"
in_a "$R" test "$name" -D TARGET="$IP_B" --tap >n.tap 2>/dev/null
esc=$(printf 'caf\303\251 \\#1 \\.lab')
expect_eq "test: TAP::Parser reads a lab's name of UTF-8, '#' and '\\' back in its titles" \
	"$(perl -MTAP::Parser -e '
		my $p = TAP::Parser->new({ source => $ARGV[0] });
		while (defined(my $r = $p->next)) {
			print $r->description, $r->directive, "|" if $r->is_test && $r->is_ok;
		}' n.tap)" \
	"- $esc: expect reply|- $esc: expect port (closed)|- $esc: check port.tcp.ack == 101|"
