#!/usr/bin/env bats
# mail-spamscore: filter, check, train, untrain, the database, hostile input.

load lib
load spam_lib

setup() {
	mk_root
	M="$BATS_TEST_TMPDIR"
}

teardown() {
	stop_all
}

@test "spamscore: -h, -V and bad options" {
	run mail-spamscore -h
	[ "$status" -eq 0 ]
	[[ "$output" == "usage: mail-spamscore [-r ROOT]"* ]]
	run mail-spamscore -V
	[ "$status" -eq 0 ]
	[[ "$output" == *mailkit* ]]
	run mail-spamscore -t maybe
	[ "$status" -eq 64 ]
	run mail-spamscore extra-argument </dev/null
	[ "$status" -eq 64 ]
}

@test "spamscore: filter without a database passes the message and adds headers" {
	ham_msg 1 >"$M/in"
	mail-spamscore <"$M/in" >"$M/out"
	grep -qx 'X-Spam-Score: 0.0' "$M/out"
	grep -qx 'X-Spam-Status: No, score=0.0 required=6.4 tests=NONE' "$M/out"
	! grep -q 'X-Spam-Flag' "$M/out"
	# Everything else is byte for byte the input.
	strip_xspam <"$M/out" | cmp - "$M/in"
	# Our fields come last in the header, just before the empty line.
	[ "$(sed -n '/^$/{=;q}' "$M/out")" = 9 ]
	[ "$(sed -n 8p "$M/out" | cut -c1-14)" = "X-Spam-Status:" ]
}

@test "spamscore: forged X-Spam headers (folded too) are removed" {
	{
		printf 'X-Spam-Flag: NO\nX-Spam-Status: No, score=-100\n'
		printf '\ttests=FORGED\nx-spam-score: -100\nX-Spamfoo: kept\n'
		ham_msg 2
	} >"$M/in"
	mail-spamscore <"$M/in" >"$M/out"
	! grep -q 'FORGED\|-100\|X-Spam-Flag: NO' "$M/out"
	grep -qx 'X-Spamfoo: kept' "$M/out"
	[ "$(grep -c '^X-Spam-Status:' "$M/out")" = 1 ]
	[ "$(grep -ci '^X-Spam-Score:' "$M/out")" = 1 ]
}

@test "spamscore: trained filter marks spam and check exits 1 / 0" {
	spam_train_small
	spam_msg 99 >"$M/spam"
	ham_msg 99 >"$M/ham"
	run mail-spamscore -c <"$M/spam"
	[ "$status" -eq 1 ]
	[[ "$output" =~ ^[0-9]+\.[0-9]/6\.4\ spam$ ]]
	run mail-spamscore -c <"$M/ham"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9]+\.[0-9]/6\.4\ ham$ ]]
	mail-spamscore <"$M/spam" >"$M/out"
	grep -qx 'X-Spam-Flag: YES' "$M/out"
	grep -q '^X-Spam-Status: Yes, score=[0-9.]* required=6.4 tests=BAYES_99' "$M/out"
	mail-spamscore <"$M/ham" >"$M/out"
	grep -q '^X-Spam-Status: No, score=[0-9.]* required=6.4 tests=BAYES_00' "$M/out"
}

@test "spamscore: -c on files prints one line per message" {
	spam_train_small
	spam_msg 100 >"$M/s"
	ham_msg 100 >"$M/h"
	run mail-spamscore -c "$M/h" "$M/s"
	[ "$status" -eq 1 ]
	[ "${lines[0]##* }" = "$M/h" ]
	[[ "${lines[0]}" == *" ham $M/h" ]]
	[[ "${lines[1]}" == *" spam $M/s" ]]
	run mail-spamscore -c "$M/h"
	[ "$status" -eq 0 ]
	run mail-spamscore -c "$M/nonexistent"
	[ "$status" -eq 66 ]
}

@test "spamscore: reject threshold exits 65 with a one-line reason" {
	spam_train_small
	echo "reject=8" >"$ROOT/etc/spamscore"
	spam_msg 7 >"$M/spam"
	run sh -c 'mail-spamscore <"$1" 2>"$2" >"$3"' _ "$M/spam" "$M/err" "$M/out"
	[ "$status" -eq 65 ]
	[ "$(wc -l <"$M/err")" = 1 ]
	grep -q '^mail-spamscore: message refused as spam (score [0-9.]*, reject at 8.0)$' "$M/err"
	ham_msg 7 | mail-spamscore >/dev/null
}

@test "spamscore: a database that cannot be opened is a temporary failure" {
	mkdir -p "$ROOT/spam"
	head -c 20000 /dev/urandom >"$ROOT/spam/data.mdb"
	run sh -c 'ham_msg 1 | mail-spamscore' 
	[ "$status" -eq 75 ]
	run mail-spamscore -c <<<"Subject: x"
	[ "$status" -eq 75 ]
	[[ "$output" == "mail-spamscore: cannot open token database $ROOT/spam: "* ]]
	run mail-spamscore -t ham <<<"Subject: x"
	[ "$status" -eq 75 ]
}

@test "spamscore: -d selects the database, -r the root" {
	spam_train_small
	[ -f "$ROOT/spam/data.mdb" ]
	spam_msg 5 >"$M/s"
	run mail-spamscore -d "$M/elsewhere" -c <"$M/s"
	[ "$status" -eq 0 ]		# empty database: no Bayes verdict
	[ ! -e "$M/elsewhere" ]		# checking never creates a database
	mail-spamscore -d "$M/elsewhere" -t spam "$M/s"
	[ -f "$M/elsewhere/data.mdb" ]
	unset MAILKIT_ROOT
	run mail-spamscore -r "$ROOT" -c <"$M/s"
	[ "$status" -eq 1 ]
}

@test "spamscore: bad configuration exits 78" {
	echo "requierd=3" >"$ROOT/etc/spamscore"
	run mail-spamscore -c <<<"Subject: x"
	[ "$status" -eq 78 ]
	[[ "$output" == *'unknown key "requierd"'* ]]
	echo "required=abc" >"$ROOT/etc/spamscore"
	run mail-spamscore -c <<<"Subject: x"
	[ "$status" -eq 78 ]
	printf 'required=3.5\nrule.MISSING_DATE=2\n' >"$ROOT/etc/spamscore"
	run mail-spamscore -c <<<"Subject: x"
	[ "$status" -eq 0 ]
	[[ "$output" == "3.0/3.5 unsure" ]]	# MISSING_DATE 2, _MID .5, _FROM .5
}

@test "spamscore: training is idempotent and untraining undoes it" {
	spam_train_small
	spam_msg 50 >"$M/s"
	before=$(mail-spamscore -c -v <"$M/s" || true)
	run mail-spamscore -v -t ham "$BATS_TEST_TMPDIR/trainset/ham"
	[ "$status" -eq 0 ]
	[[ "$output" == *"trained=0 unchanged=30"* ]]
	[ "$(mail-spamscore -c -v <"$M/s" || true)" = "$before" ]
	# Train one new message, then untrain it: back to the same state.
	printf 'Subject: qqzx wwvy\n\nfresh unseen vocabulary words\n' >"$M/new"
	new0=$(mail-spamscore -c -v <"$M/new" || true)
	[[ "$new0" == *"bayes=0.500000 "* ]]
	run mail-spamscore -v -t ham "$M/new"
	[[ "$output" == *"trained=1 unchanged=0"* ]]
	# now it reads as ham; drawn towards 0.5 only because a message of
	# six words is little evidence (evidence= in mail-spamscore(1))
	run mail-spamscore -c -v <"$M/new"
	b=$(sed -n 's/.* bayes=\([0-9.]*\) .*/\1/p' <<<"$output")
	awk -v b="$b" 'BEGIN { exit !(b < 0.48) }'
	run mail-spamscore -v -u ham "$M/new"
	[[ "$output" == *"untrained=1 unchanged=0"* ]]
	[ "$(mail-spamscore -c -v <"$M/new" || true)" = "$new0" ]
	# Untraining what was never trained changes nothing.
	run mail-spamscore -v -u spam "$M/new"
	[[ "$output" == *"untrained=0 unchanged=1"* ]]
	# Retraining as the other class moves the message, once.
	h1="$BATS_TEST_TMPDIR/trainset/ham/1"
	run mail-spamscore -v -t spam "$h1"
	[[ "$output" == *"trained=1 unchanged=0"* ]]
	run mail-spamscore -v -t spam "$h1"
	[[ "$output" == *"trained=0 unchanged=1"* ]]
	run mail-spamscore -v -t ham "$h1"
	[[ "$output" == *"trained=1 unchanged=0"* ]]
	[ "$(mail-spamscore -c -v <"$M/s" || true)" = "$before" ]
}

@test "spamscore: training from stdin, Maildir and mbox in one process" {
	mkdir -p "$M/md/cur" "$M/md/new" "$M/md/tmp"
	ham_msg 1 >"$M/md/cur/1:2,S"
	ham_msg 2 >"$M/md/new/2"
	ham_msg 9 >"$M/md/tmp/ignored"
	for i in 3 4 5; do
		echo "From alice@project.example Mon Jan  1 10:00:00 2024"
		ham_msg $i
		echo
	done >"$M/mbox"
	run mail-spamscore -v -t ham "$M/md" "$M/mbox"
	[ "$status" -eq 0 ]
	[[ "$output" == *"trained=5 unchanged=0"* ]]
	run sh -c 'spam_msg 1 | mail-spamscore -v -t spam'
	[[ "$output" == *"trained=1 unchanged=0"* ]]
}

@test "spamscore: named rules appear in tests=" {
	printf 'From: a@b.example\nSubject: BUY NOW CHEAP STUFF\nContent-Type: text/html\n\n<p>hi <span style="display: none">x</span><a href="http://evil.example/">http://www.bank.example/</a></p>\n' >"$M/m"
	mail-spamscore <"$M/m" >"$M/out"
	for t in MISSING_DATE MISSING_MID SUBJ_ALL_CAPS HTML_ONLY HTML_HIDDEN_TEXT HTML_LINK_MISMATCH; do
		sed -n '/^X-Spam-Status/,/^[^ \t]/p' "$M/out" | tr -d '\n\t' | grep -q "$t" || { echo "missing $t"; false; }
	done
	! grep -q MISSING_FROM "$M/out"
}

@test "spamscore: CRLF messages get CRLF header lines" {
	ham_msg 1 | sed 's/$/\r/' >"$M/in"
	mail-spamscore <"$M/in" >"$M/out"
	grep -q $'^X-Spam-Score: 0.0\r$' "$M/out"
	grep -v '^X-Spam-' "$M/out" | cmp - "$M/in"
}

@test "spamscore: header-only message and empty input still get a verdict" {
	printf 'Subject: no body\nFrom: a@b.example' >"$M/in"
	mail-spamscore <"$M/in" >"$M/out"
	[ "$(head -2 "$M/out")" = "$(printf 'Subject: no body\nFrom: a@b.example')" ]
	grep -q '^X-Spam-Status: No' "$M/out"
	run mail-spamscore -c </dev/null
	[ "$status" -eq 0 ]
}

@test "spamscore: concurrent training and classification" {
	spam_train_small
	d="$M/many"; mkdir -p "$d"
	for i in $(seq 1 300); do spam_msg "c$i" >"$d/$i"; done
	echo "commit_every=10" >"$ROOT/etc/spamscore"
	start_bg trainer mail-spamscore -t spam "$d"
	ham_msg 77 >"$M/h"
	for i in $(seq 1 40); do
		run mail-spamscore -c <"$M/h"
		[ "$status" -eq 0 ]
		[[ "$output" =~ ^[0-9.]+/6\.4\ ham$ ]]
	done
	wait "$(cat "$BATS_TEST_TMPDIR/trainer.pid")"
	run mail-spamscore -v -t spam "$d"
	[[ "$output" == *"trained=0 unchanged=300"* ]]
}

@test "spamscore: kill -9 during training leaves a usable database" {
	spam_train_small
	d="$M/many"; mkdir -p "$d"
	for i in $(seq 1 2000); do spam_msg "k$i" >"$d/$i"; done
	echo "commit_every=20" >"$ROOT/etc/spamscore"
	for round in 1 2 3; do
		mail-spamscore -t spam "$d" &
		pid=$!
		sleep 0.$((RANDOM % 3 + 1))
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		run mail-spamscore -c "$BATS_TEST_TMPDIR/trainset/ham/3"
		[ "$status" -eq 0 ]
		[[ "$output" == *" ham "* ]]
	done
	# Training resumes: what was committed is not counted twice.
	run mail-spamscore -v -t spam "$d"
	[ "$status" -eq 0 ]
	n=$(echo "$output" | sed -n 's/.*trained=\([0-9]*\) unchanged=\([0-9]*\).*/\1+\2/p')
	[ "$((n))" -eq 2000 ]
	run mail-spamscore -v -t spam "$d"
	[[ "$output" == *"trained=0 unchanged=2000"* ]]
}

@test "spamscore: 50 MiB attachment: bounded memory, whole message passed" {
	{
		printf 'From: a@b.example\nSubject: big\nMIME-Version: 1.0\n'
		printf 'Content-Type: multipart/mixed; boundary="B"\n\n--B\n'
		printf 'Content-Type: text/plain\n\nsee attachment\n--B\n'
		printf 'Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n'
		head -c 38000000 /dev/zero | base64
		printf -- '--B--\n'
	} >"$M/big"
	[ "$(stat -c %s "$M/big")" -gt 50000000 ]
	maxrss "$M/rss" timeout 20 mail-spamscore <"$M/big" >"$M/out"
	[ "$(cat "$M/rss")" -lt 40000 ]
	strip_xspam <"$M/out" | cmp - "$M/big"
	grep -q '^X-Spam-Status: No' "$M/out"
	run timeout 20 mail-spamscore -c <"$M/big"
	[ "$status" -eq 0 ]
}

@test "spamscore: a million tiny MIME parts and deep nesting get a verdict" {
	python3 -c '
import sys
w = sys.stdout.write
w("Subject: parts\nContent-Type: multipart/mixed; boundary=b\n\n")
w("--b\nContent-Type: text/plain\n\nx\n" * 1000000)
w("--b--\n")' >"$M/parts"
	maxrss "$M/rss" timeout 20 mail-spamscore -c -v <"$M/parts" >"$M/out"
	grep -q 'SCAN_TRUNCATED' "$M/out"
	[ "$(cat "$M/rss")" -lt 40000 ]
	python3 -c '
import sys
w = sys.stdout.write
w("Subject: deep\n")
for i in range(20000):
    w("Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n" % (i, i))
w("Content-Type: text/plain\n\nhello\n")' >"$M/deep"
	run timeout 20 mail-spamscore -c -v <"$M/deep"
	[ "$status" -eq 0 ]
	[[ "$output" == *SCAN_TRUNCATED* ]]
}

@test "spamscore: a 10 MiB header passes through, bounded" {
	{
		printf 'Subject: huge header\nX-Long: start\n'
		python3 -c 'import sys; sys.stdout.write("\tcontinued header line of some length here\n" * 250000)'
		for i in $(seq 1 3); do printf 'X-Spam-Status: Yes forged %s\n' "$i"; done
		printf 'From: a@b.example\n\nbody\n'
	} >"$M/hdr"
	[ "$(stat -c %s "$M/hdr")" -gt 10000000 ]
	maxrss "$M/rss" timeout 20 mail-spamscore <"$M/hdr" >"$M/out"
	[ "$(cat "$M/rss")" -lt 40000 ]
	! grep -q 'forged' "$M/out"
	strip_xspam <"$M/out" | cmp - <(strip_xspam <"$M/hdr")
	[ "$(tail -1 "$M/out")" = body ]
	strip_xspam <"$M/out" >/dev/null
	sed -n '/^X-Spam-Status/,/^[^ \t]/p' "$M/out" | tr -d '\n\t' | grep -q 'No,.*SCAN_TRUNCATED'
}

@test "spamscore: fits mail-submit's content filter hook (mark, then refuse)" {
	[ -x "$MAILKIT_BIN/mail-submit" ] || skip "mail-submit not built"
	add_user bob@example.test secret
	spam_train_small
	echo "$MAILKIT_BIN/mail-spamscore -r $ROOT" >"$ROOT/etc/filter"
	dialogue() {
		printf 'EHLO client.test\r\nMAIL FROM:<a@remote.test>\r\n'
		printf 'RCPT TO:<bob@example.test>\r\nDATA\r\n'
		"$1" 5 | sed 's/$/\r/'
		printf '.\r\nQUIT\r\n'
	}
	run sh -c "$(declare -f ham_msg spam_msg dialogue); dialogue spam_msg | mail-submit -bs 2>/dev/null | tr -d '\r'"
	assert_line --regexp '^250 2.0.0 '
	cat "$ROOT"/queue/env/*/*.msg | tr -d '\r' | grep -qx 'X-Spam-Flag: YES'
	echo "reject=8" >"$ROOT/etc/spamscore"
	run sh -c "$(declare -f ham_msg spam_msg dialogue); dialogue spam_msg | mail-submit -bs 2>/dev/null | tr -d '\r'"
	assert_line --regexp '^550 5\.7\.1 mail-spamscore: message refused as spam \(score [0-9.]+, reject at 8\.0\)$'
	run sh -c "$(declare -f ham_msg spam_msg dialogue); dialogue ham_msg | mail-submit -bs 2>/dev/null | tr -d '\r'"
	assert_line --regexp '^250 2.0.0 '
	[ "$(cat "$ROOT"/queue/env/*/*.msg | grep -c '^X-Spam-Status: No, ')" = 1 ]
}
