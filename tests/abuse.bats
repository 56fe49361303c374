#!/usr/bin/env bats
# Abuse suites against mail-submit under tcpserver on 127.0.0.1, as an
# outside client without RELAYCLIENT and without AUTH: the classic open
# relay battery and every published SMTP smuggling variant, sent as raw
# bytes and pipelined.

load lib

setup() {
	mk_root
	add_user bob@example.test secret
	PORT=$(free_port)
	start_bg smtpd tcpserver -q -H -R -l 0 127.0.0.1 "$PORT" env MAILKIT_ROOT="$ROOT" "$MAILKIT_BIN/mail-submit" -bs
	wait_port "$PORT"
}

teardown() {
	stop_all
}

queued() {
	find "$ROOT/queue/env" -type f ! -name "*.msg" 2>/dev/null | wc -l
}

# Send raw bytes (a Python bytes literal) in one write, print the replies.
raw_session() {
	python3 - "$PORT" "$1" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.settimeout(5)
greeting = s.recv(4096)
s.sendall(eval(sys.argv[2]))
out = b""
end = time.time() + 8
while time.time() < end:
    try:
        b = s.recv(65536)
    except socket.timeout:
        break
    if not b:
        break
    out += b
sys.stdout.write(out.decode("latin-1"))
PY
}

@test "abuse: open relay battery: no trick relays without AUTH or RELAYCLIENT" {
	local rcpts=(
		'<victim@remote.test>'
		'<victim%remote.test@example.test>'
		'<victim%remote.test@[127.0.0.1]>'
		'<remote.test!victim@example.test>'
		'<remote.test!victim>'
		'<"victim@remote.test">'
		'<"victim@remote.test"@example.test>'
		'<"victim%remote.test"@example.test>'
		'<@example.test:victim@remote.test>'
		'<@example.test,@remote.test:victim@remote.test>'
		'<victim@remote.test@example.test>'
		'<victim@[127.0.0.1]>'
		'<victim@[192.0.2.1]>'
		'<victim@[IPv6:::1]>'
		'<victim@remote.test.>'
		'<victim@example.test.remote.test>'
		'<victim@EXAMPLE.TEST.remote.test>'
		'<victim@remote.test >'
		'victim@remote.test'
		'<victim@remote.test> NOTIFY=NEVER'
	)
	for helo in 'EHLO' 'EHLO example.test' 'HELO [127.0.0.1]' 'EHLO mx.example.test'; do
		for r in "${rcpts[@]}"; do
			run raw_session "b'$helo\r\nMAIL FROM:<spammer@remote.test>\r\nRCPT TO:$r\r\nDATA\r\nSubject: relay test\r\n\r\nrelayed?\r\n.\r\nQUIT\r\n'"
			# the RCPT line must not be accepted, and no message queued
			if echo "$output" | tr -d '\r' | grep -q '^250 2.1.5'; then
				echo "RELAYED: $helo / RCPT TO:$r" >&2
				echo "$output" >&2
				return 1
			fi
			refute_output --partial 'queued as'
		done
	done
	[ "$(queued)" -eq 0 ]
}

@test "abuse: smuggling variants never end DATA early, never make a second message" {
	local v
	for v in '\n.\n' '\n.\r\n' '\r.\r' '\r\n.\r' '\r\n\x00.\r\n' '\r.\r\n' '\r\n.\n' '\n.\r' '\r\n.\x00\r\n' '\r\n.\r\r\n'; do
		run raw_session "b'EHLO x\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: one\r\n\r\nfirst$v" \
"MAIL FROM:<evil@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: smuggled\r\n\r\nsecond\r\n.\r\nQUIT\r\n'"
		# at most one end of DATA, and it is the real one
		n=$(echo "$output" | tr -d '\r' | grep -c '^250 2.0.0' || true)
		[ "$n" -le 1 ] || { echo "variant $v: $n messages accepted" >&2; echo "$output" >&2; return 1; }
		! echo "$output" | tr -d '\r' | grep -q '^250 2.1.0.*evil' || { echo "variant $v: smuggled MAIL accepted" >&2; return 1; }
	done
	# nothing that was queued holds a smuggled message of its own
	for f in $(find "$ROOT/queue/env" -type f -name "*.msg"); do
		! grep -q '^Subject: smuggled' "$f"
	done
	[ "$(find "$ROOT/queue/env" -type f ! -name "*.msg" | wc -l)" -le 1 ]
	! grep -rq 'evil@remote.test' "$ROOT/queue/env" 2>/dev/null
}

@test "abuse: pipelined garbage after a good transaction changes nothing" {
	run raw_session "b'EHLO x\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: ok\r\n\r\nfine\r\n.\r\n\x00\x01\x02garbage\r\n\xff\xfe\r\nMAIL FROM:<b@remote.test\r\nRCPT TO:<>\r\nDATA\r\nQUIT\r\n'"
	assert_output --partial '250 2.0.0'
	[ "$(echo "$output" | tr -d '\r' | grep -c '^250 2.0.0')" -eq 1 ]
	echo "$output" | tr -d '\r' | grep -q '^221 2.0.0'
	[ "$(queued)" -eq 1 ]
}

@test "abuse: AUTH brute force: the pause grows with each failure and the third ends the session" {
	echo 200 >"$ROOT/etc/authpause"
	bad=$(printf '\0bob@example.test\0guess' | base64)
	start=$(date +%s%N)
	run raw_session "b'EHLO x\r\n' + b''.join(b'AUTH PLAIN $bad\r\n' for i in range(6)) + b'QUIT\r\n'"
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "$(echo "$output" | tr -d '\r' | grep -c '^535 5.7.8')" -eq 3 ]
	echo "$output" | tr -d '\r' | grep -q '^421 4.7.0 .*too many authentication failures'
	# QUIT was never answered: the session had ended
	! echo "$output" | tr -d '\r' | grep -q '^221'
	# 200 + 400 + 600 ms of pauses
	[ "$ms" -ge 1150 ]
}

@test "abuse: POP3 password guessing ends the session after three failures" {
	echo 100 >"$ROOT/etc/authpause"
	PPORT=$(free_port)
	start_bg pop3d tcpserver -q -H -R -l 0 127.0.0.1 "$PPORT" env MAILKIT_ROOT="$ROOT" "$MAILKIT_BIN/mail-pop3"
	wait_port "$PPORT"
	PORT=$PPORT run raw_session "b''.join(b'USER bob@example.test\r\nPASS guess%d\r\n' % i for i in range(5)) + b'QUIT\r\n'"
	[ "$(echo "$output" | tr -d '\r' | grep -c '^-ERR \[AUTH\]')" -eq 3 ]
	echo "$output" | tr -d '\r' | grep -q 'too many failures'
	! echo "$output" | tr -d '\r' | grep -q '^+OK.*signing off\|^+OK bye'
}

@test "abuse: slowloris: a client trickling one byte at a time is cut off at the timeout" {
	echo 2 >"$ROOT/etc/timeout"
	echo 2 >"$ROOT/etc/pop3timeout"
	PPORT=$(free_port)
	start_bg pop3d tcpserver -q -H -R -l 0 127.0.0.1 "$PPORT" env MAILKIT_ROOT="$ROOT" "$MAILKIT_BIN/mail-pop3"
	wait_port "$PPORT"
	for p in "$PORT" "$PPORT"; do
		run python3 - "$p" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.recv(512)
t0 = time.time()
line = b"EHLO " + b"x" * 30 + b"\r\n"     # 37 bytes, 0.4 s apart: 14.8 s
closed = None
for b in line:
    try:
        s.sendall(bytes([b]))
    except OSError:
        closed = time.time() - t0
        break
    s.settimeout(0.4)
    try:
        data = s.recv(512)
        if data == b"" or data.startswith((b"421", b"-ERR")):
            closed = time.time() - t0
            break
    except socket.timeout:
        pass
print("closed after %.1f s" % closed if closed is not None else "never closed")
PY
		echo "port $p: $output" >&3
		assert_output --regexp '^closed after [2-4]\.[0-9] s$'
	done
}

# Open N connections at once, hold them, and count the greetings.
parallel_greetings() {	# PORT N
	python3 - "$1" "$2" <<'PY'
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
socks, out = [], {}
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port), 10)
    s.settimeout(10)
    socks.append(s)
for s in socks:
    g = s.recv(512).decode(errors="replace")
    key = g[:4].strip()
    out[key] = out.get(key, 0) + 1
time.sleep(0.2)
for s in socks:
    s.close()
print(" ".join("%s=%d" % kv for kv in sorted(out.items())))
PY
}

@test "abuse: 100 parallel SMTP sessions: the limit gets a clear 421, the rest are served" {
	stop_all
	echo 20 >"$ROOT/etc/maxsessions"
	start_bg smtpd tcpserver -q -H -R -l 0 -c 200 127.0.0.1 "$PORT" env MAILKIT_ROOT="$ROOT" "$MAILKIT_BIN/mail-submit" -bs
	wait_port "$PORT"
	run parallel_greetings "$PORT" 100
	assert_output '220=20 421=80'
	# slots are free again once those sessions are gone
	sleep 0.5
	run parallel_greetings "$PORT" 10
	assert_output '220=10'
}

@test "abuse: POP3 sessions beyond etc/pop3maxsessions get -ERR [SYS/TEMP]" {
	echo 5 >"$ROOT/etc/pop3maxsessions"
	PPORT=$(free_port)
	start_bg pop3d tcpserver -q -H -R -l 0 -c 100 127.0.0.1 "$PPORT" env MAILKIT_ROOT="$ROOT" "$MAILKIT_BIN/mail-pop3"
	wait_port "$PPORT"
	run parallel_greetings "$PPORT" 20
	assert_output '+OK=5 -ERR=15'
}
