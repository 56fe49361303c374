#!/usr/bin/env bats
# End to end: two mailkit hosts on one machine, as two sets of loopback
# addresses, found by each other through MX records served by dnsmasq.
#   host A: a.test, 127.0.0.2       host B: b.test, 127.0.0.3
# Each host runs mail-submit (SMTP and submission) and mail-pop3 under
# tcpserver; mail-relay runs in one-pass mode (-1) so every step is
# deterministic.  Real clients: swaks, fetchmail, Python's poplib and email.

load lib

host_root() {	# NAME DOMAIN IP
	local r="$BATS_FILE_TMPDIR/$1"
	mkdir -p "$r/etc/tls" "$r/mail" "$r/queue"
	echo "mx.$2" >"$r/etc/me"
	echo "$2" >"$r/etc/domains"
	echo "127.0.0.1:$DNSPORT" >"$r/etc/resolver"
	echo "$SMTPPORT" >"$r/etc/smtpport"
	echo 5 >"$r/etc/smtp-timeout"
	echo 50 >"$r/etc/authpause"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mx.$2" \
	    -keyout "$r/etc/tls/key.pem" -out "$r/etc/tls/cert.pem" 2>/dev/null
	echo "$r"
}

add_account() {	# ROOT ADDRESS PASSWORD
	echo "$2:{SHA512-CRYPT}$(openssl passwd -6 "$3")" >>"$1/etc/users"
}

serve() {	# NAME ROOT IP
	local r=$2 ip=$3
	MAILKIT_ROOT=$r tcpserver -q -R -H -l 0 "$ip" "$SMTPPORT" "$MAILKIT_BIN/mail-submit" -bs 2>>"$r/submit.log" &
	echo $! >>"$BATS_FILE_TMPDIR/pids"
	MAILKIT_ROOT=$r tcpserver -q -R -H -l 0 "$ip" "$SUBPORT" "$MAILKIT_BIN/mail-submit" -bs -S 2>>"$r/submit.log" &
	echo $! >>"$BATS_FILE_TMPDIR/pids"
	MAILKIT_ROOT=$r tcpserver -q -R -H -l 0 "$ip" "$POPPORT" "$MAILKIT_BIN/mail-pop3" 2>>"$r/pop3.log" &
	echo $! >>"$BATS_FILE_TMPDIR/pids"
}

setup_file() {
	export MAILKIT_BIN
	DNSPORT=$(free_port) SMTPPORT=$(free_port) SUBPORT=$(free_port) POPPORT=$(free_port)
	export DNSPORT SMTPPORT SUBPORT POPPORT
	/usr/sbin/dnsmasq --port="$DNSPORT" --listen-address=127.0.0.1 \
	    --bind-interfaces --no-resolv --no-hosts --conf-file=/dev/null \
	    --pid-file="$BATS_FILE_TMPDIR/dnsmasq.pid" --log-facility=/dev/null \
	    --mx-host=a.test,mx.a.test,10 --host-record=mx.a.test,127.0.0.2 \
	    --mx-host=b.test,mx.b.test,10 --host-record=mx.b.test,127.0.0.3
	A=$(host_root a a.test 127.0.0.2)
	B=$(host_root b b.test 127.0.0.3)
	export A B
	add_account "$A" alice@a.test apw
	add_account "$B" bob@b.test bpw
	add_account "$B" carol@b.test cpw
	: >"$BATS_FILE_TMPDIR/pids"
	serve a "$A" 127.0.0.2
	serve b "$B" 127.0.0.3
	for p in "$SMTPPORT" "$SUBPORT" "$POPPORT"; do
		for ip in 127.0.0.2 127.0.0.3; do
			for i in $(seq 1 50); do
				python3 -c 'import socket,sys; socket.create_connection((sys.argv[1],int(sys.argv[2])),1).close()' "$ip" "$p" 2>/dev/null && break
				sleep 0.1
			done
		done
	done
}

teardown_file() {
	local p
	while read -r p; do kill "$p" 2>/dev/null || true; done <"$BATS_FILE_TMPDIR/pids"
	kill "$(cat "$BATS_FILE_TMPDIR/dnsmasq.pid")" 2>/dev/null || true
}

# Run both queue runners until neither has work (bounded).
settle() {
	local i
	for i in 1 2 3 4; do
		mail-relay -r "$A" -1 -f 2>>"$A/relay.log" || true
		mail-relay -r "$B" -1 -f 2>>"$B/relay.log" || true
	done
}

pop_fetch() {	# IP USER PASSWORD OUTDIR: every message into OUTDIR/N, STLS first
	python3 - "$1" "$POPPORT" "$2" "$3" "$4" <<'PY'
import os, poplib, ssl, sys
ip, port, user, pw, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
os.makedirs(out, exist_ok=True)
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
p = poplib.POP3(ip, port, timeout=10)
p.stls(context=ctx)
p.user(user); p.pass_(pw)
n = len(p.list()[1])
for i in range(1, n + 1):
    open(os.path.join(out, str(i)), "wb").write(b"\r\n".join(p.retr(i)[1]) + b"\r\n")
p.quit()
print(n)
PY
}

@test "e2e: swaks submits on A (587, STARTTLS, AUTH); A finds B by MX and delivers over STARTTLS; bob fetches with fetchmail and poplib, bytes match" {
	run swaks --server 127.0.0.2:"$SUBPORT" -tls --auth PLAIN --auth-user alice@a.test --auth-password apw \
	    --from alice@a.test --to bob@b.test --header 'Subject: e2e hello' --body 'Hello Bob, from host A.' \
	    --header 'Message-ID: <e2e-1@a.test>'
	assert_success
	assert_output --partial '250 2.0.0'
	settle
	grep -q 'rcpt=bob@b.test relay=mx.b.test' "$A/relay.log" || grep -q 'rcpt=bob@b.test.*ip=127.0.0.3' "$A/relay.log"
	grep 'rcpt=bob@b.test' "$A/relay.log" | grep -q 'tls=TLSv1' || grep 'rcpt=bob@b.test' "$A/relay.log" | grep -q 'tls=yes'
	f=$(find "$B/mail/b.test/bob/new" -type f)
	[ -n "$f" ]
	grep -q '^Subject: e2e hello$' "$f"
	grep -q '^Hello Bob, from host A.$' "$f"
	# poplib: the bytes on the wire are the delivered bytes with CRLF
	run pop_fetch 127.0.0.3 bob@b.test bpw "$BATS_TEST_TMPDIR/pop"
	assert_success
	[ "$output" = 1 ]
	# the login moved it from new/ to cur/
	f=$(find "$B/mail/b.test/bob/cur" -type f)
	[ -n "$f" ]
	sed 's/$/\r/' "$f" | cmp - "$BATS_TEST_TMPDIR/pop/1"
	# fetchmail, keeping the message on the server, into a file via mda
	cat >"$BATS_TEST_TMPDIR/fetchmailrc" <<RC
set no syslog
poll 127.0.0.3 with proto POP3 port $POPPORT
  user "bob@b.test" there with password "bpw" is "$(id -un)" here
  keep sslproto '' mda "/bin/sh -c 'cat >> $BATS_TEST_TMPDIR/fetched'"
RC
	chmod 600 "$BATS_TEST_TMPDIR/fetchmailrc"
	HOME=$BATS_TEST_TMPDIR run fetchmail -f "$BATS_TEST_TMPDIR/fetchmailrc" --idfile "$BATS_TEST_TMPDIR/ids" --nosoftbounce
	assert_success
	# fetchmail adds its own Received: field; without it, the bytes are ours
	python3 - "$BATS_TEST_TMPDIR/fetched" <<'PY' | cmp - "$f"
import re, sys
data = open(sys.argv[1], "rb").read()
sys.stdout.buffer.write(re.sub(rb"Received: from 127\.0\.0\.3 [^\n]*\n(?:[ \t][^\n]*\n)*?[ \t][^\n]*fetchmail[^\n]*\n(?:[ \t][^\n]*\n)*", b"", data, count=1))
PY
	# keep: still on the server
	[ -f "$f" ] || [ -n "$(find "$B/mail/b.test/bob/cur" -type f)" ]
}

@test "e2e: bob replies; the reply travels B -> A and alice reads it over POP3" {
	printf 'From: bob@b.test\r\nTo: alice@a.test\r\nSubject: Re: e2e hello\r\nIn-Reply-To: <e2e-1@a.test>\r\n\r\nHi Alice, got it.\r\n' >"$BATS_TEST_TMPDIR/reply"
	run swaks --server 127.0.0.3:"$SUBPORT" -tls --auth-user bob@b.test --auth-password bpw \
	    --from bob@b.test --to alice@a.test --data "$BATS_TEST_TMPDIR/reply"
	assert_success
	settle
	run pop_fetch 127.0.0.2 alice@a.test apw "$BATS_TEST_TMPDIR/pop"
	assert_success
	grep -l 'Subject: Re: e2e hello' "$BATS_TEST_TMPDIR"/pop/* >/dev/null
	grep -q 'Hi Alice, got it.' "$BATS_TEST_TMPDIR"/pop/*
}

@test "e2e: a message to an unknown user of B comes back to alice as a DSN readable over POP3" {
	run swaks --server 127.0.0.2:"$SUBPORT" -tls --auth-user alice@a.test --auth-password apw \
	    --from alice@a.test --to nosuchuser@b.test --header 'Subject: to nobody'
	assert_success
	settle
	run pop_fetch 127.0.0.2 alice@a.test apw "$BATS_TEST_TMPDIR/pop"
	assert_success
	python3 - "$BATS_TEST_TMPDIR/pop" <<'PY'
import email, os, sys
d = sys.argv[1]
found = False
for n in sorted(os.listdir(d)):
    m = email.message_from_bytes(open(os.path.join(d, n), "rb").read())
    if m.get_content_type() != "multipart/report":
        continue
    assert m.get_param("report-type") == "delivery-status", m.get_param("report-type")
    parts = m.get_payload()
    assert parts[0].get_content_type() == "text/plain"
    text = parts[0].get_payload(decode=True).decode()
    assert "nosuchuser@b.test" in text, text
    st = parts[1]
    assert st.get_content_type() == "message/delivery-status"
    rcpt = st.get_payload()[1]
    assert rcpt["Final-Recipient"].endswith("nosuchuser@b.test"), rcpt["Final-Recipient"]
    assert rcpt["Action"] == "failed"
    assert rcpt["Status"] == "5.1.1", rcpt["Status"]
    assert "550" in rcpt["Diagnostic-Code"], rcpt["Diagnostic-Code"]
    assert "mx.b.test" in (rcpt["Remote-MTA"] or "") or "127.0.0.3" in (rcpt["Remote-MTA"] or ""), rcpt["Remote-MTA"]
    orig = parts[2]
    assert orig.get_content_type() in ("message/rfc822", "text/rfc822-headers")
    assert "Subject: to nobody" in orig.as_string()
    found = True
assert found, "no delivery status notification in alice's mailbox"
PY
	# and nothing stuck in either queue
	[ -z "$(find "$A/queue/env" "$B/queue/env" -type f)" ]
}

@test "e2e: with mail-spamscore as B's filter, corpus spam sent through B arrives marked, ham unmarked" {
	corpus="$MAILKIT_SRC/../shared/corpus"
	[ -f "$corpus/train.txt" ] || skip "no ../shared/corpus beside the tree"
	for class in ham spam; do
		grep "^$class/" "$corpus/train.txt" | sed "s|^|$corpus/|" |
			xargs mail-spamscore -r "$B" -t "$class" >/dev/null
	done
	echo "$MAILKIT_BIN/mail-spamscore -r $B" >"$B/etc/filter"
	# 20 of each from the test split, never seen in training
	{ grep '^spam/' "$corpus/test.txt" | head -20; grep '^ham/' "$corpus/test.txt" | head -20; } >"$BATS_TEST_TMPDIR/list"
	python3 - "$SMTPPORT" "$corpus" "$BATS_TEST_TMPDIR/list" <<'PY'
import smtplib, sys
port, corpus, lst = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = smtplib.SMTP("127.0.0.3", port, timeout=30)
for name in open(lst).read().split():
    data = open(corpus + "/" + name, "rb").read()
    if data.startswith(b"From "):
        data = data.split(b"\n", 1)[1]
    data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    data = b"X-Corpus-File: " + name.encode() + b"\r\n" + data
    s.sendmail("sender@remote.test", ["carol@b.test"], data)
s.quit()
PY
	rm -f "$B/etc/filter"
	settle
	python3 - "$B/mail/b.test/carol/new" <<'PY'
import os, re, sys
d = sys.argv[1]
flagged = {"spam": 0, "ham": 0}
seen = {"spam": 0, "ham": 0}
for f in os.listdir(d):
    data = open(os.path.join(d, f), "rb").read()
    head = data.split(b"\n\n", 1)[0]
    cls = re.search(rb"^X-Corpus-File: (ham|spam)/", head, re.M).group(1).decode()
    seen[cls] += 1
    assert re.search(rb"^X-Spam-Score: ", head, re.M), f
    if re.search(rb"^X-Spam-Flag: YES", head, re.M):
        flagged[cls] += 1
print(seen, flagged)
assert seen == {"spam": 20, "ham": 20}, seen
assert flagged["ham"] == 0, "ham marked as spam: %d" % flagged["ham"]
assert flagged["spam"] >= 18, "spam marked: only %d of 20" % flagged["spam"]
PY
}
