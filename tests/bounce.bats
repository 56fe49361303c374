#!/usr/bin/env bats
# mail-bounce: RFC 3464 notifications, checked with Python's email package.

load lib
load relay_lib

setup() {
	relay_root
	printf 'From: Alice <alice@example.test>\r\nTo: bob@remote.test\r\nSubject: lunch\r\nMessage-ID: <m1@example.test>\r\n\r\nSee you at noon.\r\n.leading dot\r\n' >"$BATS_TEST_TMPDIR/orig"
	printf 'bob@remote.test\t5.1.1\tsmtp; 550 5.1.1 <bob@remote.test>: Recipient address rejected\tmx.remote.test\t1700000000\n' >"$BATS_TEST_TMPDIR/fail"
}

teardown() {
	stop_all
}

# check_dsn FILE: python asserts on the structure; extra python lines on stdin.
check_dsn() {
	python3 -c '
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
assert m.get_content_type() == "multipart/report", m.get_content_type()
assert m.get_param("report-type") == "delivery-status"
parts = m.get_payload()
assert len(parts) == 3, len(parts)
human, status, orig = parts
assert human.get_content_type() == "text/plain"
assert status.get_content_type() == "message/delivery-status"
text = human.get_content()
blocks = status.get_payload()
per_msg, rcpts = blocks[0], blocks[1:]
exec(sys.stdin.read())
' "$1"
}

@test "bounce: structure, fields and plain-language text" {
	run mail-bounce -r "$ROOT" -f alice@example.test -F "$BATS_TEST_TMPDIR/fail" \
	    -a 1700000000 -q 0123abc <"$BATS_TEST_TMPDIR/orig"
	assert_success
	echo "$output" >"$BATS_TEST_TMPDIR/dsn"
	check_dsn "$BATS_TEST_TMPDIR/dsn" <<'PY'
assert m["To"].addresses[0].addr_spec == "alice@example.test"
assert m["From"].addresses[0].addr_spec == "MAILER-DAEMON@mx.example.test"
assert m["Subject"] == "Undelivered Mail Returned to Sender"
assert m["Auto-Submitted"] == "auto-replied"
assert m["Date"] and m["Message-ID"]
assert "could not be" in text and "delivered" in text, text
assert "<bob@remote.test>" in text
assert "does not exist" in text and "check the spelling" in text
assert "550 5.1.1 <bob@remote.test>: Recipient address rejected" in text
assert per_msg["Reporting-MTA"] == "dns; mx.example.test"
assert "14 Nov 2023" in per_msg["Arrival-Date"], per_msg["Arrival-Date"]
assert len(rcpts) == 1
r = rcpts[0]
assert r["Final-Recipient"] == "rfc822; bob@remote.test"
assert r["Action"] == "failed"
assert r["Status"] == "5.1.1"
assert r["Remote-MTA"] == "dns; mx.remote.test"
assert r["Diagnostic-Code"] == "smtp; 550 5.1.1 <bob@remote.test>: Recipient address rejected"
assert "14 Nov 2023" in r["Last-Attempt-Date"]
assert orig.get_content_type() == "message/rfc822"
inner = orig.get_payload()[0]
assert inner["Subject"] == "lunch"
assert inner["Message-ID"] == "<m1@example.test>"
assert "See you at noon." in inner.get_content()
assert ".leading dot" in inner.get_content()
PY
}

@test "bounce: several recipients, types and no Remote-MTA" {
	printf 'carol@null.test\t5.1.10\tx-mailkit; domain null.test accepts no mail\t-\ndan@slow.test\t4.4.7\tdelivery time expired\n' >>"$BATS_TEST_TMPDIR/fail"
	mail-bounce -r "$ROOT" -f alice@example.test -F "$BATS_TEST_TMPDIR/fail" \
	    <"$BATS_TEST_TMPDIR/orig" >"$BATS_TEST_TMPDIR/dsn"
	check_dsn "$BATS_TEST_TMPDIR/dsn" <<'PY'
assert [r["Final-Recipient"] for r in rcpts] == ["rfc822; bob@remote.test", "rfc822; carol@null.test", "rfc822; dan@slow.test"]
assert [r["Status"] for r in rcpts] == ["5.1.1", "5.1.10", "4.4.7"]
assert rcpts[1]["Remote-MTA"] is None
assert rcpts[1]["Diagnostic-Code"] == "x-mailkit; domain null.test accepts no mail"
assert rcpts[2]["Diagnostic-Code"] == "X-mailkit; delivery time expired"
assert "null MX" in text and "several days" in text
PY
}

@test "bounce: a large original is returned as headers only" {
	{ printf 'Subject: big\r\nFrom: a@example.test\r\n\r\n'; head -c 300000 /dev/zero | tr '\0' 'x'; } >"$BATS_TEST_TMPDIR/big"
	mail-bounce -r "$ROOT" -f alice@example.test -F "$BATS_TEST_TMPDIR/fail" \
	    <"$BATS_TEST_TMPDIR/big" >"$BATS_TEST_TMPDIR/dsn"
	[ "$(wc -c <"$BATS_TEST_TMPDIR/dsn")" -lt 10000 ]
	check_dsn "$BATS_TEST_TMPDIR/dsn" <<'PY'
assert orig.get_content_type() == "text/rfc822-headers", orig.get_content_type()
body = orig.get_payload()
assert "Subject: big" in body and "xxxx" not in body
PY
	# -l raises the limit: now it goes in whole
	mail-bounce -r "$ROOT" -l 400000 -f alice@example.test -F "$BATS_TEST_TMPDIR/fail" \
	    <"$BATS_TEST_TMPDIR/big" >"$BATS_TEST_TMPDIR/dsn2"
	check_dsn "$BATS_TEST_TMPDIR/dsn2" <<'PY'
assert orig.get_content_type() == "message/rfc822"
PY
}

@test "bounce: -w writes a delay warning" {
	printf 'bob@remote.test\t4.4.1\tx-mailkit; connection refused\tmx.remote.test\n' >"$BATS_TEST_TMPDIR/warn"
	mail-bounce -w -r "$ROOT" -f alice@example.test -F "$BATS_TEST_TMPDIR/warn" \
	    <"$BATS_TEST_TMPDIR/orig" >"$BATS_TEST_TMPDIR/dsn"
	check_dsn "$BATS_TEST_TMPDIR/dsn" <<'PY'
assert m["Subject"].startswith("Delayed Mail")
assert rcpts[0]["Action"] == "delayed"
assert rcpts[0]["Status"] == "4.4.1"
assert "will keep trying" in text and "do not need" in text
PY
}

@test "bounce: CRLF original comes out with LF only, boundary not in it" {
	mail-bounce -r "$ROOT" -f alice@example.test -F "$BATS_TEST_TMPDIR/fail" \
	    <"$BATS_TEST_TMPDIR/orig" >"$BATS_TEST_TMPDIR/dsn"
	run grep -c $'\r' "$BATS_TEST_TMPDIR/dsn"
	assert_output 0
	b=$(sed -n 's/.*boundary="\([^"]*\)".*/\1/p' "$BATS_TEST_TMPDIR/dsn")
	[ -n "$b" ]
	[ "$(grep -c -- "^--$b--\$" "$BATS_TEST_TMPDIR/dsn")" -eq 1 ]
}

@test "bounce: malformed failure records are refused (exit 65)" {
	bad=$BATS_TEST_TMPDIR/bad
	for rec in 'bob@remote.test\t5.1.1' 'bob@remote.test\t9.1.1\tsmtp; x' \
	    'bob@remote.test\t5.1\tsmtp; x' 'bob@@x\t5.1.1\tsmtp; x' \
	    'bob@remote.test\t5.1.1\t' 'bob@remote.test\t5.1.1\tx\th h' \
	    'bob@remote.test\t5.1.1\tx\t-\tnotatime' \
	    'bob@remote.test\t5.1.1\tx\t-\t-\textra' \
	    'bob@remote.test\t5.1.1\tsmtp; caf\xc3\xa9'; do
		printf "$rec\n" >"$bad"
		run mail-bounce -r "$ROOT" -f alice@example.test -F "$bad" <"$BATS_TEST_TMPDIR/orig"
		[ "$status" -eq 65 ] || { echo "accepted: $rec"; false; }
		[[ "$output" == "mail-bounce: $bad:1: "* ]]
	done
	: >"$bad"
	run mail-bounce -r "$ROOT" -f alice@example.test -F "$bad" <"$BATS_TEST_TMPDIR/orig"
	[ "$status" -eq 65 ]
	assert_output "mail-bounce: $bad: no failure records"
}

@test "bounce: usage errors" {
	run mail-bounce -r "$ROOT" -F "$BATS_TEST_TMPDIR/fail" </dev/null
	[ "$status" -eq 64 ]
	run mail-bounce -r "$ROOT" -f alice@example.test </dev/null
	[ "$status" -eq 64 ]
	run mail-bounce -r "$ROOT" -f 'a@b>' -F "$BATS_TEST_TMPDIR/fail" </dev/null
	[ "$status" -eq 64 ]
	run mail-bounce -r "$ROOT" -f a@b -F "$BATS_TEST_TMPDIR/nonexistent" </dev/null
	[ "$status" -eq 66 ]
	run mail-bounce -V
	assert_success
	[[ "$output" == *"mailkit"* ]]
}

@test "bounce: empty -f addresses the postmaster" {
	mail-bounce -r "$ROOT" -f '' -F "$BATS_TEST_TMPDIR/fail" \
	    <"$BATS_TEST_TMPDIR/orig" >"$BATS_TEST_TMPDIR/dsn"
	grep -qx 'To: <postmaster@mx.example.test>' "$BATS_TEST_TMPDIR/dsn"
}
