# Bats helpers for mail-pop3 (load after lib: `load lib; load pop3_lib`).
#
#   pop3_root            mk_root + alice (Maildir) and bob (mbox), password
#                        "secret", no login pause, TCPREMOTEIP=127.0.0.1
#   pop3_tls             a self-signed certificate in ROOT/etc/tls
#   deliver ADDR FILE    store FILE for ADDR: through mail-deliver when it
#                        is built, else written the way mail-deliver does
#   msg N                prints a small test message number N
#   pop3 [ARGS]          mail-pop3 -r $ROOT on stdin/stdout, CR removed
#                        from its output (for assertions on lines)
#   pop3_raw [ARGS]      the same, bytes kept
#   pop3_drive           runs mail-pop3 and a script from stdin: "> CMD"
#                        sends CMD and prints the reply, "! SHELL" runs a
#                        command between two commands
#   start_pop3 [ARGS]    mail-pop3 under tcpserver on 127.0.0.1:$PORT
#   wire_of FILE         FILE as POP3 sends it (LF -> CRLF, dot-stuffed)

pop3_root() {
	mk_root
	echo 0 >"$ROOT/etc/authpause"
	add_user alice@example.test secret
	add_user bob@example.test secret "mailbox=mbox"
	export TCPREMOTEIP=127.0.0.1
}

pop3_tls() {
	mkdir -p "$ROOT/etc/tls"
	if [ -z "${BATS_FILE_TMPDIR:-}" ] || [ ! -f "$BATS_FILE_TMPDIR/cert.pem" ]; then
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
		    -subj /CN=localhost -keyout "$BATS_FILE_TMPDIR/key.pem" \
		    -out "$BATS_FILE_TMPDIR/cert.pem" 2>/dev/null
	fi
	cp "$BATS_FILE_TMPDIR/cert.pem" "$BATS_FILE_TMPDIR/key.pem" "$ROOT/etc/tls/"
}

POP3_SEQ=0

deliver() {
	local addr=$1 file=$2 local=${1%@*} domain=${1#*@} box
	box="$ROOT/mail/$domain/$local"
	POP3_SEQ=$((POP3_SEQ + 1))
	if [ -x "$MAILKIT_BIN/mail-deliver" ] && [ -z "${POP3_BY_HAND:-}" ]; then
		"$MAILKIT_BIN/mail-deliver" -r "$ROOT" -f sender@example.org \
		    "$addr" <"$file"
		return
	fi
	if grep -q "^$addr:.*mailbox=mbox" "$ROOT/etc/users"; then
		mkdir -p "$ROOT/mail/$domain"
		{
			echo "From sender@example.org Mon Nov 23 21:44:25 2026"
			echo "Return-Path: <sender@example.org>"
			echo "Delivered-To: $addr"
			echo "X-UIDL: u$POP3_SEQ.$$"
			sed 's/^\(>*From \)/>\1/' "$file"
			echo
		} >>"$box"
	else
		mkdir -p "$box/tmp" "$box/new" "$box/cur"
		{
			echo "Return-Path: <sender@example.org>"
			echo "Delivered-To: $addr"
			cat "$file"
		} >"$box/tmp/m"
		mv "$box/tmp/m" "$box/new/1700000000.M${POP3_SEQ}P$$Q$POP3_SEQ.mx,S=$(stat -c %s "$box/tmp/m")"
	fi
}

msg() {
	printf 'From: sender@example.org\nTo: alice@example.test\nSubject: test %s\n\nBody of message %s.\n.a line with a dot\n..two dots\nFrom the start\n>From quoted\nlast line\n' "$1" "$1"
}

pop3() {
	mail-pop3 -r "$ROOT" "$@" 2>>"$BATS_TEST_TMPDIR/pop3.log" | tr -d '\r'
}

pop3_raw() {
	mail-pop3 -r "$ROOT" "$@" 2>>"$BATS_TEST_TMPDIR/pop3.log"
}

wire_of() {
	sed -e 's/^\./../' -e 's/$/\r/' "$1"
}

pop3_drive() {
	python3 -c '
import subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
out = sys.stdout
def line():
    l = p.stdout.readline()
    out.write(l.decode("latin-1").replace("\r", ""))
    return l
line()
for cmd in sys.stdin.read().splitlines():
    if cmd.startswith("! "):
        subprocess.run(cmd[2:], shell=True, check=True)
        continue
    c = cmd[2:]
    p.stdin.write(c.encode() + b"\r\n")
    p.stdin.flush()
    first = line()
    w = c.split()
    multi = w and (w[0].upper() in ("CAPA", "RETR", "TOP") or
        (w[0].upper() in ("LIST", "UIDL") and len(w) == 1))
    if first.startswith(b"+OK") and multi:
        while True:
            l = line()
            if l in (b".\r\n", b""):
                break
    if not first:
        break
p.stdin.close()
p.wait()
' mail-pop3 -r "$ROOT" "$@" 2>>"$BATS_TEST_TMPDIR/pop3.log"
}

start_pop3() {
	PORT=$(free_port)
	start_bg pop3 sh -c 'port=$1 log=$2; shift 2
	    exec tcpserver -q -R -H 127.0.0.1 "$port" "$@" 2>>"$log"' \
	    sh "$PORT" "$BATS_TEST_TMPDIR/pop3.log" \
	    "$MAILKIT_BIN/mail-pop3" -r "$ROOT" "$@"
	wait_port "$PORT"
}
