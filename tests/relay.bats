#!/usr/bin/env bats
# mail-relay: queue runs against real peers on loopback: dnsmasq for DNS,
# Postfix's smtp-sink and a scripted peer for SMTP.

load lib
load relay_lib

setup() {
	relay_setup \
	    --mx-host=backup.test,mx1.backup.test,10 --host-record=mx1.backup.test,127.0.0.3 \
	    --mx-host=backup.test,mx2.backup.test,20 --host-record=mx2.backup.test,127.0.0.2 \
	    --host-record=plain.test,127.0.0.2 \
	    --mx-host=null.test,.,0 \
	    --mx-host=iplit.test,127.0.0.2,10
	printf 'From: alice@example.test\nTo: bob@d2.test\nSubject: hello\n\nfirst line\n.starts with a dot\n..two dots\n.\nlast line\n' >"$MSG"
}

teardown() {
	stop_all
	stop_dns
}

@test "relay: MX lookup, delivery to smtp-sink, CRLF and dot-stuffing, queue emptied" {
	start_sink sink 127.0.0.2 "$PORT"
	id=$(queue_put alice@example.test bob@d2.test <"$MSG")
	run_relay
	assert_success
	[ ! -e "$(env_file "$id")" ]
	[ ! -e "$(mess_file "$id")" ]
	f=$(sink_files sink)
	[ -n "$f" ]
	grep -q '^X-Mail-Args: <alice@example.test>' "$f"
	grep -q '^X-Rcpt-Args: <bob@d2.test>' "$f"
	cmp <(sed -n '/^From: alice/,$p' "$f") <(cat "$MSG"; echo)
	assert_line --partial "event=delivery qid=$id rcpt=bob@d2.test relay=mx.d2.test ip=127.0.0.2 tls=no"
	assert_line --partial "result=sent status=2.0.0"
}

@test "relay: on the wire: LF and bare CR become CRLF, leading dots doubled" {
	start_peer p 127.0.0.4 "$PORT" mixed
	printf 'Subject: a\n\nlf line\n.dot\r\ncrlf line\r\n..two\rbare cr\n.\nno end' |
		queue_put alice@example.test ok@d4.test >/dev/null
	printf 'Subject: b\r\n\r\n.\r\n' | queue_put alice@example.test ok@d4.test >/dev/null
	run_relay
	assert_success
	printf 'Subject: a\r\n\r\nlf line\r\n..dot\r\ncrlf line\r\n...two\r\nbare cr\r\n..\r\nno end\r\n' >"$BATS_TEST_TMPDIR/want1"
	printf 'Subject: b\r\n\r\n..\r\n' >"$BATS_TEST_TMPDIR/want2"
	# the two messages may go in either order
	for w in want1 want2; do
		cmp -s "$BATS_TEST_TMPDIR/$w" "$BATS_TEST_TMPDIR/p.wire1" ||
		    cmp -s "$BATS_TEST_TMPDIR/$w" "$BATS_TEST_TMPDIR/p.wire2" ||
		    { od -c "$BATS_TEST_TMPDIR"/p.wire* | head -20; false; }
	done
}

@test "relay: next MX by preference when the first does not answer" {
	start_sink sink 127.0.0.2 "$PORT"
	id=$(queue_put alice@example.test carol@backup.test <"$MSG")
	run_relay
	assert_success
	[ -n "$(sink_files sink)" ]
	assert_line --partial "relay=mx2.backup.test ip=127.0.0.2"
	[ ! -e "$(env_file "$id")" ]
}

@test "relay: a 421 greeting sends us to the next MX" {
	start_peer busy 127.0.0.3 "$PORT" greet421
	start_sink sink 127.0.0.2 "$PORT"
	queue_put alice@example.test carol@backup.test <"$MSG"
	run_relay
	assert_success
	[ -n "$(sink_files sink)" ]
}

@test "relay: no MX record: the domain's own address (implicit MX)" {
	start_sink sink 127.0.0.2 "$PORT"
	queue_put alice@example.test dave@plain.test <"$MSG"
	run_relay
	assert_success
	grep -q '^X-Rcpt-Args: <dave@plain.test>' "$(sink_files sink)"
}

@test "relay: HELO when EHLO is refused" {
	start_sink sink 127.0.0.2 "$PORT" -e
	queue_put alice@example.test bob@d2.test <"$MSG"
	run_relay
	assert_success
	grep -q '^X-Client-Proto: SMTP' "$(sink_files sink)"
}

@test "relay: static route in etc/routes wins over MX" {
	start_sink sink 127.0.0.5 "$PORT"
	echo "d2.test 127.0.0.5:$PORT" >"$ROOT/etc/routes"
	rm "$ROOT/etc/resolver"
	queue_put alice@example.test bob@d2.test <"$MSG"
	run_relay
	assert_success
	[ -n "$(sink_files sink)" ]
	assert_line --partial "relay=127.0.0.5 ip=127.0.0.5"
}

@test "relay: a smarthost route (*) takes every remote domain" {
	start_sink sink 127.0.0.6 "$PORT"
	echo "* 127.0.0.6:$PORT" >"$ROOT/etc/routes"
	queue_put alice@example.test x@d2.test y@nowhere.test <"$MSG"
	run_relay
	assert_success
	[ "$(sink_files sink | wc -l)" -eq 2 ]
}

@test "relay: one transaction per domain, several recipients" {
	start_peer p 127.0.0.4 "$PORT" mixed
	queue_put alice@example.test ok1@d4.test ok2@d4.test ok3@d4.test <"$MSG"
	run_relay
	assert_success
	[ "$(grep -c '^MAIL FROM' "$BATS_TEST_TMPDIR/p.log")" -eq 1 ]
	[ "$(grep -c '^RCPT TO' "$BATS_TEST_TMPDIR/p.log")" -eq 3 ]
	[ "$(grep -c '^DATA' "$BATS_TEST_TMPDIR/p.log")" -eq 1 ]
	grep -q '^MAIL FROM:<alice@example.test> SIZE=' "$BATS_TEST_TMPDIR/p.log"
}

@test "relay: per-recipient results: 250, 550 and 450 in one transaction" {
	start_peer p 127.0.0.4 "$PORT" mixed
	bin=$(fake_bin)
	id=$(queue_put alice@example.test ok@d4.test perm@d4.test temp@d4.test <"$MSG")
	run mail-relay -r "$ROOT" -1 -b "$bin"
	assert_success
	[ -f "$BATS_TEST_TMPDIR/p.msg1" ]
	run env_rcpt "$id" ok@d4.test
	assert_output "done 1 0 2.0.0"
	run env_rcpt "$id" perm@d4.test
	[[ "$output" == "failed 1 "*" 5.1.1" ]]
	run env_rcpt "$id" temp@d4.test
	[[ "$output" == "todo 1 "*" 4.2.1" ]]
	# the bounce names only the refused recipient, with the remote reply
	grep -q 'Final-Recipient: rfc822; perm@d4.test' "$BATS_TEST_TMPDIR/submitted.1.msg"
	! grep -q 'Final-Recipient: rfc822; temp@d4.test' "$BATS_TEST_TMPDIR/submitted.1.msg"
	grep -q 'Diagnostic-Code: smtp; 550 5.1.1 no such user here' "$BATS_TEST_TMPDIR/submitted.1.msg"
	grep -q 'Remote-MTA: dns; mx.d4.test' "$BATS_TEST_TMPDIR/submitted.1.msg"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/submitted.1.args")" "[-r][$ROOT][-f][][alice@example.test]"
}

@test "relay: pipelined commands and SIZE declared when offered" {
	start_peer p 127.0.0.4 "$PORT" mixed
	queue_put alice@example.test ok1@d4.test ok2@d4.test <"$MSG"
	run_relay
	assert_success
	size=$(wc -c <"$MSG")
	grep -qx "MAIL FROM:<alice@example.test> SIZE=$size" "$BATS_TEST_TMPDIR/p.log"
	# MAIL, two RCPT and DATA came in one write
	grep -qx "PIPELINED 3" "$BATS_TEST_TMPDIR/p.log"
}

@test "relay: BODY=8BITMIME for an 8-bit message when offered, not for ASCII" {
	start_peer p 127.0.0.4 "$PORT" mixed
	printf 'Subject: caf\xc3\xa9\n\nd\xc3\xa9j\xc3\xa0 vu\n' | queue_put alice@example.test ok@d4.test >/dev/null
	run_relay
	assert_success
	grep -qx "MAIL FROM:<alice@example.test> SIZE=26 BODY=8BITMIME" "$BATS_TEST_TMPDIR/p.log"
	queue_put alice@example.test ok@d4.test <"$MSG" >/dev/null
	run_relay
	[ "$(grep -c 'BODY=8BITMIME' "$BATS_TEST_TMPDIR/p.log")" -eq 1 ]
	cmp <(printf 'Subject: caf\xc3\xa9\r\n\r\nd\xc3\xa9j\xc3\xa0 vu\r\n') "$BATS_TEST_TMPDIR/p.wire1"
}

@test "relay: a message larger than the peer's SIZE fails 5.3.4 without DATA" {
	start_peer p 127.0.0.4 "$PORT" size100
	bin=$(fake_bin)
	head -c 500 /dev/zero | tr '\0' 'x' >>"$MSG"
	id=$(queue_put alice@example.test ok@d4.test <"$MSG")
	run mail-relay -r "$ROOT" -1 -b "$bin"
	! grep -q '^MAIL' "$BATS_TEST_TMPDIR/p.log"
	grep -q 'Status: 5.3.4' "$BATS_TEST_TMPDIR/submitted.1.msg"
	[ ! -e "$(env_file "$id")" ]
}

@test "relay: 5xx to RCPT from smtp-sink bounces; 4xx is retried later" {
	start_sink hard 127.0.0.2 "$PORT" -f RCPT
	start_sink soft 127.0.0.3 "$PORT" -r RCPT
	bin=$(fake_bin)
	id=$(queue_put alice@example.test bob@d2.test carl@d3.test <"$MSG")
	now=$(date +%s)
	run mail-relay -r "$ROOT" -1 -b "$bin"
	assert_success
	run env_rcpt "$id" bob@d2.test
	[[ "$output" == "failed 1 "*" 5."* ]]
	run env_rcpt "$id" carl@d3.test
	read -r state attempts next st <<<"$output"
	[ "$state" = todo ] && [ "$attempts" = 1 ] && [[ "$st" == 4.* ]]
	# retry-min 900 s with +-25% jitter
	[ "$next" -ge $((now + 675)) ] && [ "$next" -le $((now + 1130)) ]
	grep -q 'Final-Recipient: rfc822; bob@d2.test' "$BATS_TEST_TMPDIR/submitted.1.msg"
	# not due yet: a second pass leaves it alone; -f forces it
	run mail-relay -r "$ROOT" -1 -b "$bin"
	run env_rcpt "$id" carl@d3.test
	[[ "$output" == "todo 1 "* ]]
	run mail-relay -r "$ROOT" -1 -f -b "$bin"
	run env_rcpt "$id" carl@d3.test
	[[ "$output" == "todo 2 "* ]]
	[ ! -e "$BATS_TEST_TMPDIR/submitted.2.args" ]
}

@test "relay: backoff grows and is capped by retry-max" {
	start_sink soft 127.0.0.3 "$PORT" -r MAIL
	echo 100 >"$ROOT/etc/retry-min"
	echo 300 >"$ROOT/etc/retry-max"
	id=$(queue_put alice@example.test carl@d3.test <"$MSG")
	for i in 1 2 3 4; do
		now=$(date +%s)
		mail-relay -r "$ROOT" -1 -f 2>/dev/null
	done
	run env_rcpt "$id" carl@d3.test
	read -r state attempts next st <<<"$output"
	[ "$attempts" = 4 ]
	[ "$next" -ge $((now + 225)) ] && [ "$next" -le $((now + 380)) ]
}

@test "relay: queue lifetime exceeded: 4.4.7 bounce" {
	start_sink soft 127.0.0.3 "$PORT" -r RCPT
	bin=$(fake_bin)
	id=$(QUEUE_ARRIVAL=$(( $(date +%s) - 6 * 86400 )) queue_put alice@example.test carl@d3.test <"$MSG")
	run mail-relay -r "$ROOT" -1 -b "$bin"
	assert_line --partial "result=failed status=4.4.7"
	grep -q 'Status: 4.4.7' "$BATS_TEST_TMPDIR/submitted.1.msg"
	grep -q 'several days' "$BATS_TEST_TMPDIR/submitted.1.msg"
	[ ! -e "$(env_file "$id")" ]
	# a shorter etc/queuelifetime counts too
	echo 60 >"$ROOT/etc/queuelifetime"
	id=$(QUEUE_ARRIVAL=$(( $(date +%s) - 120 )) queue_put alice@example.test carl@d3.test <"$MSG")
	run mail-relay -r "$ROOT" -1 -b "$bin"
	assert_line --partial "result=failed status=4.4.7"
}

@test "relay: etc/delaywarning: one delay warning (Action: delayed) once a recipient waits that long" {
	start_peer p 127.0.0.4 "$PORT" mixed
	bin=$(fake_bin)
	echo 3600 >"$ROOT/etc/delaywarning"
	# younger than the delay: no warning
	young=$(QUEUE_ARRIVAL=$(( $(date +%s) - 600 )) queue_put alice@example.test temp1@d4.test <"$MSG")
	run mail-relay -r "$ROOT" -1 -b "$bin"
	assert_success
	[ ! -e "$BATS_TEST_TMPDIR/submitted.1.args" ]
	! grep -q '^warned' "$(env_file "$young")"
	rm "$(env_file "$young")" "$(mess_file "$young")"
	# two hours old: ok1 delivered, temp1 deferred and warned about
	id=$(QUEUE_ARRIVAL=$(( $(date +%s) - 7200 )) queue_put alice@example.test ok1@d4.test temp1@d4.test <"$MSG")
	run mail-relay -r "$ROOT" -1 -b "$bin"
	assert_success
	assert_line --partial "event=delay-warning qid=$id"
	[ "$(cat "$BATS_TEST_TMPDIR/submitted.1.args")" = "[-r][$ROOT][-f][][alice@example.test]" ]
	w=$BATS_TEST_TMPDIR/submitted.1.msg
	grep -q '^To: <\?alice@example.test>\?' "$w"
	grep -q '^Action: delayed' "$w"
	grep -q '^Final-Recipient: rfc822; temp1@d4.test' "$w"
	grep -q '^Status: 4.2.1' "$w"
	! grep -q 'ok1@d4.test' <(sed -n '/^Content-Type: message\/delivery-status/,/^--/p' "$w")
	grep -q '^warned	1$' "$(env_file "$id")"
	run env_rcpt "$id" temp1@d4.test
	[[ "$output" == "todo 1 "* ]]
	# the next failed attempt sends no second warning
	run mail-relay -r "$ROOT" -1 -f -b "$bin"
	run env_rcpt "$id" temp1@d4.test
	[[ "$output" == "todo 2 "* ]]
	[ ! -e "$BATS_TEST_TMPDIR/submitted.2.args" ]
	# mail from <> gets none
	nul=$(QUEUE_ARRIVAL=$(( $(date +%s) - 7200 )) queue_put "" temp2@d4.test <"$MSG")
	run mail-relay -r "$ROOT" -1 -b "$bin"
	run env_rcpt "$nul" temp2@d4.test
	[[ "$output" == "todo 1 "* ]]
	[ ! -e "$BATS_TEST_TMPDIR/submitted.2.args" ]
}

@test "relay: null MX fails 5.1.10, NXDOMAIN 5.1.2, MX naming an IP 5.4.4" {
	bin=$(fake_bin)
	id=$(queue_put alice@example.test a@null.test b@nowhere.test c@iplit.test <"$MSG")
	run mail-relay -r "$ROOT" -1 -b "$bin"
	assert_success
	assert_line --regexp "rcpt=a@null.test relay=- tls=no delay=[0-9]+ result=failed status=5.1.10"
	assert_line --regexp "rcpt=b@nowhere.test relay=- tls=no delay=[0-9]+ result=failed status=5.1.2"
	assert_line --regexp "rcpt=c@iplit.test relay=- tls=no delay=[0-9]+ result=failed status=5.4.4"
	m=$BATS_TEST_TMPDIR/submitted.1.msg
	python3 - "$m" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
rc = m.get_payload()[1].get_payload()[1:]
got = {r["Final-Recipient"]: r["Status"] for r in rc}
assert got == {"rfc822; a@null.test": "5.1.10", "rfc822; b@nowhere.test": "5.1.2",
               "rfc822; c@iplit.test": "5.4.4"}, got
PY
	[ ! -e "$(env_file "$id")" ]
}

@test "relay: DNS timeout is a temporary failure" {
	stop_dns
	dport=$(relay_free_port)
	start_bg deaf python3 -c 'import socket,sys,time; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", int(sys.argv[1]))); time.sleep(60)' "$dport"
	sleep 0.3
	echo "127.0.0.1:$dport" >"$ROOT/etc/resolver"
	id=$(queue_put alice@example.test bob@d2.test <"$MSG")
	run_relay
	assert_success
	assert_line --partial "result=deferred status=4.4.3"
	run env_rcpt "$id" bob@d2.test
	[[ "$output" == "todo 1 "*" 4.4.3" ]]
}

@test "relay: a CNAME loop is a temporary failure, not a crash" {
	stop_dns
	dport=$(relay_free_port)
	# answers every query with "NAME CNAME NAME" (a loop of one)
	start_bg cname python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    q, a = s.recvfrom(512)
    end = 12
    while q[end] != 0: end += q[end] + 1
    qname = q[12:end + 1]
    hdr = q[:2] + b"\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00"
    rr = b"\xc0\x0c\x00\x05\x00\x01\x00\x00\x00\x3c" + len(qname).to_bytes(2, "big") + qname
    s.sendto(hdr + q[12:end + 5] + rr, a)
' "$dport"
	sleep 0.3
	echo "127.0.0.1:$dport" >"$ROOT/etc/resolver"
	id=$(queue_put alice@example.test bob@loop.test <"$MSG")
	run_relay
	assert_success
	assert_line --partial "result=deferred status=4.4.3"
	assert_line --partial "CNAME loop"
}

@test "relay: IPv4 and IPv6 addresses of an exchanger, -4 skips IPv6" {
	python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null ||
		skip "no IPv6 loopback here"
	stop_dns
	start_dns "$DNSPORT" --local=/test/ --mx-host=six.test,mx.six.test,10 \
	    --host-record=mx.six.test,127.0.0.2,::1
	start_sink sink6 ::1 "$PORT"
	start_sink sink4 127.0.0.2 "$PORT"
	queue_put alice@example.test a@six.test <"$MSG"
	run_relay
	assert_line --partial "ip=::1"
	[ -n "$(sink_files sink6)" ]
	queue_put alice@example.test b@six.test <"$MSG"
	run_relay -4
	assert_line --partial "ip=127.0.0.2"
	[ -n "$(sink_files sink4)" ]
}

@test "relay: peer closes in the middle of DATA: retried, message kept" {
	start_peer p 127.0.0.4 "$PORT" closedata
	id=$(queue_put alice@example.test ok@d4.test <"$MSG")
	run_relay
	assert_success
	assert_line --partial "result=deferred"
	run env_rcpt "$id" ok@d4.test
	[[ "$output" == "todo 1 "* ]]
	[ -s "$(mess_file "$id")" ]
}

@test "relay: peer never answers: timeout, retried" {
	start_peer p 127.0.0.4 "$PORT" silent
	id=$(queue_put alice@example.test ok@d4.test <"$MSG")
	SECONDS=0
	run_relay
	assert_success
	[ "$SECONDS" -lt 10 ]
	assert_line --partial "timeout"
	run env_rcpt "$id" ok@d4.test
	[[ "$output" == "todo 1 "* ]]
}

@test "relay: garbage greeting: retried" {
	start_peer p 127.0.0.4 "$PORT" garbage
	id=$(queue_put alice@example.test ok@d4.test <"$MSG")
	run_relay
	assert_line --partial "did not speak SMTP"
	run env_rcpt "$id" ok@d4.test
	[[ "$output" == "todo 1 "* ]]
}

@test "relay: connection dropped after the data, before the reply: retried, not lost" {
	start_peer p 127.0.0.4 "$PORT" dropfinal
	id=$(queue_put alice@example.test ok@d4.test <"$MSG")
	run_relay
	[ -f "$BATS_TEST_TMPDIR/p.msg1" ]
	run env_rcpt "$id" ok@d4.test
	[[ "$output" == "todo 1 "* ]]
	[ -s "$(mess_file "$id")" ]
}

@test "relay: huge multiline reply is refused, retried" {
	start_peer p 127.0.0.4 "$PORT" hugemulti
	id=$(queue_put alice@example.test ok@d4.test <"$MSG")
	run_relay
	assert_line --partial "too many lines"
	run env_rcpt "$id" ok@d4.test
	[[ "$output" == "todo 1 "* ]]
}

@test "relay: opportunistic STARTTLS, and tls-policy encrypt refuses a peer without it" {
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=mx.d4.test \
	    -keyout "$BATS_TEST_TMPDIR/key.pem" -out "$BATS_TEST_TMPDIR/cert.pem" 2>/dev/null
	start_peer p 127.0.0.4 "$PORT" tls
	queue_put alice@example.test ok@d4.test <"$MSG"
	run_relay
	assert_line --partial "relay=mx.d4.test ip=127.0.0.4 tls=yes"
	assert_line --partial "result=sent"
	grep -q '^TLS-STARTED$' "$BATS_TEST_TMPDIR/p.log"
	# verify: a self-signed certificate is not trusted
	echo "d4.test verify" >"$ROOT/etc/tls-policy"
	id=$(queue_put alice@example.test ok@d4.test <"$MSG")
	run_relay
	assert_line --partial "result=deferred"
	# encrypt: a peer without STARTTLS is not used
	start_peer q 127.0.0.5 "$PORT" mixed
	echo "d5.test encrypt" >"$ROOT/etc/tls-policy"
	id=$(queue_put alice@example.test ok@d5.test <"$MSG")
	run_relay
	assert_line --partial "status=4.7.5"
	! grep -q '^MAIL' "$BATS_TEST_TMPDIR/q.log"
}

@test "relay: local recipients through mail-deliver; unknown ones bounce with its reason" {
	add_user bob@example.test secret
	bin=$(fake_bin)
	id=$(queue_put alice@d2.test bob@example.test nobody@example.test <"$MSG")
	run mail-relay -r "$ROOT" -1 -b "$bin"
	assert_success
	[ "$(find "$ROOT/mail/example.test/bob" -type f -path '*/new/*' | wc -l)" -eq 1 ]
	assert_line --regexp "rcpt=bob@example.test relay=local tls=no delay=[0-9]+ result=sent"
	assert_line --regexp "rcpt=nobody@example.test relay=local tls=no delay=[0-9]+ result=failed status=5.1.1"
	grep -q 'Final-Recipient: rfc822; nobody@example.test' "$BATS_TEST_TMPDIR/submitted.1.msg"
	grep -q 'Status: 5.1.1' "$BATS_TEST_TMPDIR/submitted.1.msg"
	[ ! -e "$(env_file "$id")" ]
}

@test "relay: a queue of the first layout (queue/mess/H/ID) is moved beside the envelopes and delivered" {
	add_user bob@example.test secret
	bin=$(fake_bin)
	id=$(queue_put alice@d2.test bob@example.test <"$MSG")
	b=$(qbucket "$id")
	mkdir -p "$ROOT/queue/mess/$b"
	mv "$(mess_file "$id")" "$ROOT/queue/mess/$b/$id"
	run mail-relay -r "$ROOT" -1 -b "$bin"
	assert_success
	f=$(find "$ROOT/mail/example.test/bob" -type f -path '*/new/*')
	[ -n "$f" ]
	grep -qx 'Subject: hello' "$f"
	[ ! -e "$ROOT/queue/mess" ]
	[ ! -e "$(env_file "$id")" ] && [ ! -e "$(mess_file "$id")" ]
	[ -z "$(ls -A "$ROOT/queue/bad")" ]
}

@test "relay: mail-deliver exit 75 means retry" {
	bin=$(fake_bin)
	rm "$bin/mail-deliver"
	printf '#!/bin/sh\necho "mail-deliver: 4.2.0 mailbox locked" >&2\nexit 75\n' >"$bin/mail-deliver"
	chmod +x "$bin/mail-deliver"
	id=$(queue_put alice@d2.test bob@example.test <"$MSG")
	run mail-relay -r "$ROOT" -1 -b "$bin"
	assert_line --partial "result=deferred status=4.2.0"
	run env_rcpt "$id" bob@example.test
	[[ "$output" == "todo 1 "*" 4.2.0" ]]
	[ ! -e "$BATS_TEST_TMPDIR/submitted.1.args" ]
}

@test "relay: a failed bounce (sender <>) is never bounced to <>: double bounce to postmaster once" {
	bin=$(fake_bin)
	id=$(queue_put '' alice@null.test <"$MSG")
	run mail-relay -r "$ROOT" -1 -b "$bin"
	assert_success
	assert_equal "$(cat "$BATS_TEST_TMPDIR/submitted.1.args")" "[-r][$ROOT][-f][][postmaster@mx.example.test]"
	[ ! -e "$(env_file "$id")" ]
	# the double bounce itself failing is logged and dropped
	id=$(queue_put '' postmaster@mx.example.test <"$MSG")
	echo "mx.example.test" >>"$ROOT/etc/domains"
	run mail-relay -r "$ROOT" -1 -b "$bin"
	assert_line --partial "event=double-bounce-dropped qid=$id"
	[ ! -e "$BATS_TEST_TMPDIR/submitted.2.args" ]
	[ ! -e "$(env_file "$id")" ]
}

@test "relay: Auto-Submitted: auto-replied gets no bounce" {
	bin=$(fake_bin)
	printf 'Auto-Submitted: auto-replied\nSubject: out of office\n\nback monday\n' |
		queue_put alice@example.test x@null.test >"$BATS_TEST_TMPDIR/id"
	run mail-relay -r "$ROOT" -1 -b "$bin"
	assert_line --partial "event=bounce-suppressed"
	[ ! -e "$BATS_TEST_TMPDIR/submitted.1.args" ]
	[ ! -e "$(env_file "$(cat "$BATS_TEST_TMPDIR/id")")" ]
}

@test "relay: when the bounce cannot be queued the recipient stays queued" {
	bin=$(fake_bin)
	echo 75 >"$BATS_TEST_TMPDIR/submit-exit"
	id=$(queue_put alice@example.test x@null.test <"$MSG")
	run mail-relay -r "$ROOT" -1 -b "$bin"
	assert_line --partial "event=bounce-deferred"
	run env_rcpt "$id" x@null.test
	[[ "$output" == "todo 1 "*" 5.1.10" ]]
}

@test "relay: truncated envelope is quarantined in queue/bad, not deleted" {
	start_sink sink 127.0.0.2 "$PORT"
	id=$(queue_put alice@example.test bob@d2.test <"$MSG")
	head -c 30 "$(env_file "$id")" >"$BATS_TEST_TMPDIR/t"
	cp "$BATS_TEST_TMPDIR/t" "$(env_file "$id")"
	run_relay
	assert_success
	assert_line --partial "event=quarantine qid=$id"
	[ -f "$ROOT/queue/bad/$id" ]
	[ -f "$ROOT/queue/bad/$id.env" ]
	[ ! -e "$(env_file "$id")" ]
	[ -z "$(sink_files sink)" ]
}

@test "relay: an envelope whose message is missing (a crash before the directory sync) is quarantined, nothing sent" {
	start_sink sink 127.0.0.2 "$PORT"
	id=$(queue_put alice@example.test bob@d2.test <"$MSG")
	rm "$(mess_file "$id")"
	run_relay
	assert_success
	assert_line --partial "event=quarantine qid=$id"
	[ -f "$ROOT/queue/bad/$id.env" ]
	[ ! -e "$(env_file "$id")" ]
	[ -z "$(sink_files sink)" ]
}

@test "relay: a message locked by another runner is left alone" {
	start_sink sink 127.0.0.2 "$PORT"
	id=$(queue_put alice@example.test bob@d2.test <"$MSG")
	start_bg holder flock -x "$(mess_file "$id")" sleep 30
	sleep 0.3
	run_relay
	assert_success
	[ -z "$(sink_files sink)" ]
	[ -e "$(env_file "$id")" ]
}

@test "relay: held message is not delivered" {
	start_sink sink 127.0.0.2 "$PORT"
	id=$(queue_put alice@example.test bob@d2.test <"$MSG")
	sed -i 's/^sender/held\t1\nsender/' "$(env_file "$id")"
	run_relay -f
	[ -z "$(sink_files sink)" ]
	[ -e "$(env_file "$id")" ]
}

@test "relay: -c 4 delivers 30 messages to 3 domains" {
	start_sink s2 127.0.0.2 "$PORT"
	start_sink s3 127.0.0.3 "$PORT"
	start_sink s4 127.0.0.4 "$PORT"
	for i in $(seq 1 10); do
		for d in 2 3 4; do queue_put alice@example.test "u$i@d$d.test" <"$MSG" >/dev/null; done
	done
	run_relay -c 4
	assert_success
	[ "$(sink_files s2 | wc -l)" -eq 10 ]
	[ "$(sink_files s3 | wc -l)" -eq 10 ]
	[ "$(sink_files s4 | wc -l)" -eq 10 ]
	[ -z "$(find "$ROOT/queue/env" -type f)" ]
}

@test "relay: messages to one domain share one SMTP session, RSET between them" {
	start_peer p 127.0.0.4 "$PORT" mixed
	for i in 1 2 3 4 5; do
		printf 'Subject: m%s\n\nbody %s\n' "$i" "$i" | queue_put alice@example.test "ok$i@d4.test" >/dev/null
	done
	run_relay -c 1 -v
	assert_success
	# -v tells what happened
	assert_line --partial "event=scan due=5 batches=1 "
	[ "$(grep -c 'event=smtp-session action=open .*domain=d4.test relay=mx.d4.test ip=127.0.0.4 tls=no transactions=0' <<<"$output")" -eq 1 ]
	[ "$(grep -c 'event=smtp-session action=reuse .*domain=d4.test' <<<"$output")" -eq 4 ]
	assert_line --partial "action=reuse"
	[ "$(grep -c '^EHLO' "$BATS_TEST_TMPDIR/p.log")" -eq 1 ]
	[ "$(grep -c '^MAIL FROM' "$BATS_TEST_TMPDIR/p.log")" -eq 5 ]
	[ "$(grep -c '^RSET' "$BATS_TEST_TMPDIR/p.log")" -eq 4 ]
	[ "$(grep -c '^QUIT' "$BATS_TEST_TMPDIR/p.log")" -eq 1 ]
	# the exact dialog: RSET only between transactions (the log's
	# PIPELINED and ERROR lines are the peer's notes; an ERROR is the
	# probe that waited for the port)
	want="EHLO"
	for i in 1 2 3 4 5; do
		want="$want MAIL RCPT DATA"
		[ "$i" -lt 5 ] && want="$want RSET"
	done
	got=$(grep -v '^PIPELINED\|^ERROR' "$BATS_TEST_TMPDIR/p.log" | awk '{ print $1 }' | tr '\n' ' ')
	[ "$got" = "$want QUIT " ]
	for i in 1 2 3 4 5; do
		grep -q "^body $i" "$BATS_TEST_TMPDIR"/p.msg*
	done
	[ "$(ls "$BATS_TEST_TMPDIR"/p.msg* | wc -l)" -eq 5 ]
	[ "$(grep -c 'result=sent' <<<"$output")" -eq 5 ]
	[ -z "$(find "$ROOT/queue/env" -type f)" ]
}

@test "relay: a kept session the peer has closed, or that refuses RSET, is replaced; nothing is lost" {
	start_peer p 127.0.0.4 "$PORT" oneshot
	start_peer q 127.0.0.5 "$PORT" rset500
	for i in 1 2 3; do
		queue_put alice@example.test "ok$i@d4.test" <"$MSG" >/dev/null
		queue_put alice@example.test "ok$i@d5.test" <"$MSG" >/dev/null
	done
	run_relay -c 1
	assert_success
	for n in p q; do
		[ "$(grep -c '^EHLO' "$BATS_TEST_TMPDIR/$n.log")" -eq 3 ]
		[ "$(ls "$BATS_TEST_TMPDIR"/$n.msg* | wc -l)" -eq 3 ]
	done
	# the kept session was tried before a new one was opened
	[ "$(grep -c '^RSET' "$BATS_TEST_TMPDIR/q.log")" -eq 2 ]
	[ "$(grep -c 'result=sent' <<<"$output")" -eq 6 ]
	refute_line --partial "result=deferred"
	[ -z "$(find "$ROOT/queue/env" -type f)" ]
}

@test "relay: a kept session stays encrypted: STARTTLS once for three messages" {
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=mx.d4.test \
	    -keyout "$BATS_TEST_TMPDIR/key.pem" -out "$BATS_TEST_TMPDIR/cert.pem" 2>/dev/null
	start_peer p 127.0.0.4 "$PORT" tls
	for i in 1 2 3; do queue_put alice@example.test "ok$i@d4.test" <"$MSG" >/dev/null; done
	run_relay -c 1
	assert_success
	[ "$(grep -c '^TLS-STARTED$' "$BATS_TEST_TMPDIR/p.log")" -eq 1 ]
	[ "$(grep -c '^MAIL' "$BATS_TEST_TMPDIR/p.log")" -eq 3 ]
	[ "$(grep -c 'relay=mx.d4.test ip=127.0.0.4 tls=yes' <<<"$output")" -eq 3 ]
	[ "$(grep -c 'result=sent' <<<"$output")" -eq 3 ]
}

@test "relay: daemon wakes on the trigger FIFO and stops on SIGTERM" {
	start_sink sink 127.0.0.2 "$PORT"
	mail-relay -r "$ROOT" 2>"$BATS_TEST_TMPDIR/daemon.log" &
	pid=$!
	for i in $(seq 1 50); do [ -p "$ROOT/queue/trigger" ] && break; sleep 0.1; done
	sleep 0.3
	queue_put alice@example.test bob@d2.test <"$MSG"
	printf x >"$ROOT/queue/trigger"
	for i in $(seq 1 50); do [ -n "$(sink_files sink)" ] && break; sleep 0.1; done
	[ -n "$(sink_files sink)" ]
	kill -TERM "$pid"
	for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$pid" 2>/dev/null
	wait "$pid"
}

@test "relay: usage and configuration errors" {
	run mail-relay -r "$ROOT" -c 0
	[ "$status" -eq 64 ]
	run mail-relay -r "$ROOT" -x
	[ "$status" -eq 64 ]
	echo "soon" >"$ROOT/etc/queuelifetime"
	run mail-relay -r "$ROOT" -1
	[ "$status" -eq 78 ]
	[[ "$output" == "mail-relay: cannot read the configuration in $ROOT/etc"* ]]
	run mail-relay -V
	assert_success
}

@test "relay: named messages are delivered now, others left alone" {
	start_sink sink 127.0.0.2 "$PORT"
	a=$(queue_put alice@example.test a@d2.test <"$MSG")
	b=$(queue_put alice@example.test b@d2.test <"$MSG")
	sed -i 's/\(^rcpt\t[^\t]*\ttodo\t0\t\)0/\19999999999/' "$(env_file "$a")"
	run mail-relay -r "$ROOT" "$a"
	assert_success
	[ ! -e "$(env_file "$a")" ]
	[ -e "$(env_file "$b")" ]
	run mail-relay -r "$ROOT" not-an-id
	[ "$status" -eq 75 ]
}

@test "relay: a bad etc/resolver line defers, it does not bounce" {
	echo "not an address" >"$ROOT/etc/resolver"
	id=$(queue_put alice@example.test bob@d2.test <"$MSG")
	run_relay
	assert_success
	assert_line --partial "result=deferred status=4.3.5"
	run env_rcpt "$id" bob@d2.test
	[[ "$output" == "todo 1 "* ]]
}

@test "relay: a bad etc/routes line defers" {
	echo "d2.test 127.0.0.2:notaport" >"$ROOT/etc/routes"
	id=$(queue_put alice@example.test bob@d2.test <"$MSG")
	run_relay
	assert_line --partial "result=deferred status=4.3.5"
}

@test "relay: SIGTERM during a delivery: it is finished, the message stays queued" {
	start_peer p 127.0.0.4 "$PORT" silent
	id=$(queue_put alice@example.test ok@d4.test <"$MSG")
	mail-relay -r "$ROOT" 2>"$BATS_TEST_TMPDIR/daemon.log" &
	pid=$!
	sleep 0.8	# the delivery waits for a greeting that never comes (2 s)
	kill -TERM "$pid"
	for i in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$pid" 2>/dev/null
	wait "$pid"
	grep -q 'result=deferred' "$BATS_TEST_TMPDIR/daemon.log"
	run env_rcpt "$id" ok@d4.test
	[[ "$output" == "todo 1 "* ]]
	[ -s "$(mess_file "$id")" ]
}
