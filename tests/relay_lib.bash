# Bats helpers for the mail-relay and mail-bounce tests: load with
# `load relay_lib` after `load lib`.
#
#   relay_root          mk_root plus queue dirs and a short SMTP timeout
#   queue_put SENDER RCPT...   (message on stdin) queues a message the way
#                       mail-submit does (format of include/queue.h);
#                       prints its ID
#   env_file ID / mess_file ID  paths of its envelope and message
#   start_dns PORT ARGS...      dnsmasq on 127.0.0.1:PORT serving ARGS,
#                       and ROOT/etc/resolver pointing at it
#   start_sink NAME IP PORT ARGS...   smtp-sink on IP:PORT, one file per
#                       message under $BATS_TEST_TMPDIR/NAME/
#   start_mailkit_peer NAME PORT      a second mailkit (mail-submit -bs
#                       under tcpserver) with its own root
#   run_relay ARGS...    mail-relay -r $ROOT -1 ARGS
#   relay_free_port     a free TCP and UDP port number

relay_root() {
	mk_root
	mkdir -p "$ROOT/queue"
	echo 5 >"$ROOT/etc/smtp-timeout"
}

# The queue bucket of an ID (include/queue.h): h = h * 31 + c, low 4 bits.
qbucket() {
	local id=$1 h=0 i c
	for ((i = 0; i < ${#id}; i++)); do
		printf -v c '%d' "'${id:i:1}"
		h=$(( (h * 31 + c) & 0xffffffff ))
	done
	printf '%x' $((h & 15))
}

queue_put() {
	local sender=$1 ns qid b r
	shift
	ns=$(date +%s%N)
	printf -v qid '%09x%05x%06x%x' "${ns:0:10}" "$((10#${ns:10:6}))" \
	    "$((BASHPID & 0xffffff))" 0
	b=$(qbucket "$qid")
	mkdir -p "$ROOT/queue/tmp" "$ROOT/queue/bad" "$ROOT/queue/env/$b"
	cat >"$ROOT/queue/env/$b/$qid.msg"
	{
		printf 'mailkit-queue 1\nid\t%s\narrival\t%s\nsender\t%s\n' \
		    "$qid" "${QUEUE_ARRIVAL:-${ns:0:10}}" "$sender"
		[ -n "$sender" ] || printf 'dsn\t1\n'
		for r in "$@"; do printf 'rcpt\t%s\ttodo\t0\t0\t-\t-\n' "$r"; done
	} >"$ROOT/queue/env/$b/$qid"
	echo "$qid"
}

qpath() {
	echo "$ROOT/queue/$1/$(qbucket "$2")/$2"
}
env_file() { qpath env "$1"; }
mess_file() { echo "$(qpath env "$1").msg"; }

start_dns() {
	local port=$1
	shift
	/usr/sbin/dnsmasq --port="$port" --listen-address=127.0.0.1 \
	    --bind-interfaces --no-resolv --no-hosts --conf-file=/dev/null \
	    --pid-file="$BATS_TEST_TMPDIR/dnsmasq.pid" \
	    --log-facility=/dev/null "$@" || return 1
	echo "127.0.0.1:$port" >"$ROOT/etc/resolver"
}

stop_dns() {
	[ -f "$BATS_TEST_TMPDIR/dnsmasq.pid" ] || return 0
	kill "$(cat "$BATS_TEST_TMPDIR/dnsmasq.pid")" 2>/dev/null || true
	rm -f "$BATS_TEST_TMPDIR/dnsmasq.pid"
}

start_sink() {
	local name=$1 ip=$2 port=$3
	shift 3
	mkdir -p "$BATS_TEST_TMPDIR/$name"
	start_bg "$name" /usr/sbin/smtp-sink -u nobody -R "$BATS_TEST_TMPDIR/$name" \
	    -d "%M%S/" "$@" "$ip:$port" 20
	chmod 777 "$BATS_TEST_TMPDIR/$name"
	wait_ip_port "$ip" "$port"
}

wait_ip_port() {
	local i
	for i in $(seq 1 50); do
		(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# A free TCP and UDP port on loopback, without starting python (slow here).
relay_free_port() {
	local p i used
	used=$(ss -Htuan | awk '{print $5}' | sed 's/.*://')
	for i in $(seq 1 100); do
		p=$((20000 + RANDOM % 40000))
		grep -qx "$p" <<<"$used" || { echo "$p"; return 0; }
	done
	return 1
}

run_relay() {
	run mail-relay -r "$ROOT" -1 "$@"
}

# Files smtp-sink saved below $BATS_TEST_TMPDIR/NAME.
sink_files() {
	find "$BATS_TEST_TMPDIR/$1" -type f | sort
}

# A scripted SMTP peer for what smtp-sink cannot do.  start_peer NAME IP
# PORT MODE: serves connections one after another; writes every command
# it reads to $BATS_TEST_TMPDIR/NAME.log and each message to NAME.msgN.
# Modes: mixed (RCPT to ok*: 250, perm*: 550 5.1.1, temp*: 450 4.2.1),
# garbage (greeting not SMTP), silent (never answers), closedata (closes
# in the middle of DATA), dropfinal (takes the whole message, closes
# before the final reply), hugemulti (EHLO reply of 1000 lines), size100
# (announces SIZE 100), greet421, tls (offers STARTTLS; needs
# $BATS_TEST_TMPDIR/cert.pem and key.pem), oneshot (closes the
# connection after the reply to the final dot, as a server with a short
# idle timeout would), rset500 (refuses RSET).
PEER_PY=$(cat <<'PY'
import socket, ssl, sys, time
name, ip, port, mode, tmp = sys.argv[1:6]
log = open("%s/%s.log" % (tmp, name), "a", buffering=1)
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((ip, int(port)))
srv.listen(5)
nmsg = 0
def session(conn):
    global nmsg
    f = conn.makefile("rb")
    def send(s):
        conn.sendall(s.encode())
    if mode == "garbage":
        send("HELLO THERE I AM NOT SMTP\r\n"); time.sleep(0.5); return
    if mode == "silent":
        time.sleep(30); return
    if mode == "greet421":
        send("421 4.3.2 busy\r\n"); return
    send("220 peer ESMTP\r\n")
    while True:
        line = f.readline()
        if not line:
            return
        cmd = line.decode("latin-1").rstrip("\r\n")
        log.write(cmd + "\n")
        u = cmd.upper()
        if u.startswith("EHLO"):
            if mode == "hugemulti":
                send("".join("250-line%d\r\n" % i for i in range(1000)) + "250 OK\r\n")
                continue
            ext = ["PIPELINING", "8BITMIME"]
            if mode == "size100": ext.append("SIZE 100")
            if mode in ("mixed", "tls"): ext.append("SIZE 10000000")
            if mode == "tls" and not isinstance(conn, ssl.SSLSocket): ext.append("STARTTLS")
            send("250-peer\r\n" + "".join("250-%s\r\n" % e for e in ext[:-1]) + "250 %s\r\n" % ext[-1])
        elif u == "STARTTLS" and mode == "tls":
            send("220 2.0.0 go ahead\r\n")
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(tmp + "/cert.pem", tmp + "/key.pem")
            conn = ctx.wrap_socket(conn, server_side=True)
            f = conn.makefile("rb")
            log.write("TLS-STARTED\n")
        elif u.startswith("MAIL"):
            # what the client sent behind MAIL without waiting (PIPELINING)
            ahead = f.peek(65536) if hasattr(f, "peek") else b""
            log.write("PIPELINED %d\n" % ahead.count(b"\r\n"))
            send("250 2.1.0 ok\r\n")
        elif u.startswith("RCPT"):
            addr = cmd.split("<", 1)[1].split(">")[0]
            if addr.startswith("perm"): send("550 5.1.1 no such user here\r\n")
            elif addr.startswith("temp"): send("450 4.2.1 mailbox busy, try later\r\n")
            else: send("250 2.1.5 ok\r\n")
        elif u == "DATA":
            send("354 go ahead\r\n")
            data = b""
            while True:
                l = f.readline()
                if not l:
                    return
                if mode == "closedata" and len(data) > 10:
                    return
                if l == b".\r\n":
                    break
                data += l
            open("%s/%s.wire%d" % (tmp, name, nmsg + 1), "wb").write(data)
            nmsg += 1
            open("%s/%s.msg%d" % (tmp, name, nmsg), "wb").write(data)
            if mode == "dropfinal":
                return
            send("250 2.0.0 queued as X%d\r\n" % nmsg)
            if mode == "oneshot":
                return
        elif u == "QUIT":
            send("221 2.0.0 bye\r\n"); return
        elif u == "RSET":
            send("500 5.5.1 no RSET here\r\n" if mode == "rset500" else "250 2.0.0 ok\r\n")
        else:
            send("502 5.5.2 what\r\n")
while True:
    c, _ = srv.accept()
    try:
        session(c)
    except Exception as e:
        log.write("ERROR %r\n" % e)
    try:
        c.close()
    except Exception:
        pass
PY
)

start_peer() {
	start_bg "$1" python3 -c "$PEER_PY" "$1" "$2" "$3" "$4" "$BATS_TEST_TMPDIR"
	wait_ip_port "$2" "$3"
}

# A bin directory with the real mail-deliver and mail-bounce and a fake
# mail-submit that keeps its arguments and input in $BATS_TEST_TMPDIR/
# submitted.N.{args,msg}; exit code from $BATS_TEST_TMPDIR/submit-exit.
fake_bin() {
	local d=$BATS_TEST_TMPDIR/bin
	mkdir -p "$d"
	ln -sf "$MAILKIT_BIN/mail-deliver" "$MAILKIT_BIN/mail-bounce" "$d/"
	cat >"$d/mail-submit" <<SH
#!/bin/sh
t=$BATS_TEST_TMPDIR
n=\$(ls "\$t" | grep -c '^submitted\..*\.args\$')
n=\$((n + 1))
for a in "\$@"; do printf '[%s]' "\$a"; done >"\$t/submitted.\$n.args"
cat >"\$t/submitted.\$n.msg"
exit \$(cat "\$t/submit-exit" 2>/dev/null || echo 0)
SH
	chmod +x "$d/mail-submit"
	echo "$d"
}

# Recipient line of the envelope for ADDR: "ADDR STATE ATTEMPTS NEXT STATUS DIAG"
env_rcpt() {
	awk -F'\t' -v a="$2" '$1 == "rcpt" && $2 == a { print $3, $4, $5, $6 }' "$(env_file "$1")"
}

# A real Postfix (master in the foreground, its own config and queue under
# a fresh /tmp directory) listening on IP:PORT, with STARTTLS, delivering
# DOMAIN's listed USERS into Maildirs under $PF/mail/USER/.  Needs root
# (Postfix drops to its own user); sets $PF.  stop_postfix removes it.
start_postfix() {
	local ip=$1 port=$2 domain=$3 u d
	shift 3
	PF=$(mktemp -d /tmp/mk-pf.XXXXXX)
	chmod 755 "$PF"
	mkdir -p "$PF/conf" "$PF/queue" "$PF/data" "$PF/mail"
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=mx.$domain" \
	    -keyout "$PF/conf/key.pem" -out "$PF/conf/cert.pem" 2>/dev/null
	cat >"$PF/conf/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $PF/queue
data_directory = $PF/data
maillog_file = $PF/maillog
maillog_file_prefixes = $PF
myhostname = mx.$domain
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
virtual_mailbox_domains = $domain
virtual_mailbox_base = $PF/mail
virtual_mailbox_maps = texthash:$PF/conf/vmailbox
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
smtpd_tls_cert_file = $PF/conf/cert.pem
smtpd_tls_key_file = $PF/conf/key.pem
smtpd_tls_security_level = may
smtpd_tls_received_header = yes
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
biff = no
CF
	for u in "$@"; do echo "$u@$domain $u/"; done >"$PF/conf/vmailbox"
	# the SMTP service on our address; nothing chrooted
	sed -e "s/^smtp      inet.*/$ip:$port inet n - n - - smtpd/" \
	    -e 's/^\([a-z]*[[:space:]]\+[a-z-]\+[[:space:]]\+[-yn][[:space:]]\+[-yn][[:space:]]\+\)y/\1n/' \
	    /etc/postfix/master.cf >"$PF/conf/master.cf"
	for d in active bounce corrupt defer deferred flush hold incoming private saved trace; do
		mkdir -p "$PF/queue/$d"
		chown postfix "$PF/queue/$d"
	done
	mkdir -p "$PF/queue/maildrop" "$PF/queue/public" "$PF/queue/pid"
	chown postfix:postdrop "$PF/queue/maildrop" "$PF/queue/public"
	chmod 730 "$PF/queue/maildrop"
	chmod 710 "$PF/queue/public"
	chown postfix "$PF/data"
	chown 65534:65534 "$PF/mail"
	start_bg postfix /usr/lib/postfix/sbin/master -c "$PF/conf" -d
	wait_ip_port "$ip" "$port"
}

stop_postfix() {
	[ -n "${PF:-}" ] || return 0
	if [ -f "$BATS_TEST_TMPDIR/postfix.pid" ]; then
		kill "$(cat "$BATS_TEST_TMPDIR/postfix.pid")" 2>/dev/null || true
		rm -f "$BATS_TEST_TMPDIR/postfix.pid"
		sleep 0.5
	fi
	rm -rf "$PF"
}

# Wait (bounded) until Postfix delivered N files into $PF/mail/USER.
wait_postfix_mail() {
	local i
	for i in $(seq 1 50); do
		[ "$(find "$PF/mail/$1" -type f -path '*/new/*' 2>/dev/null | wc -l)" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# A private test CA for certificate verification: test_ca makes
# $BATS_TEST_TMPDIR/ca.pem (and ca.key) once; test_cert SAN [DAYS] makes
# $BATS_TEST_TMPDIR/cert.pem and key.pem signed by it, for SAN
# ("DNS:mx.d4.test", "IP:127.0.0.4"), valid DAYS days (-1: expired).
# mail-relay trusts the CA when the test exports SSL_CERT_FILE=ca.pem
# (OpenSSL's default verify paths).
test_ca() {
	local d=$BATS_TEST_TMPDIR
	[ -f "$d/ca.pem" ] && return 0
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -days 2 -subj "/CN=mailkit test CA" -keyout "$d/ca.key" \
	    -out "$d/ca.pem" 2>/dev/null
}

test_cert() {
	local d=$BATS_TEST_TMPDIR
	test_ca || return 1
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -subj "/CN=${1#*:}" -keyout "$d/key.pem" -out "$d/cert.csr" 2>/dev/null &&
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\n' "$1" >"$d/cert.ext" &&
	openssl x509 -req -in "$d/cert.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
	    -CAcreateserial -days "${2:-1}" -extfile "$d/cert.ext" \
	    -out "$d/cert.pem" 2>/dev/null
}

# An SMTP peer with TLS and AUTH.  start_tls_peer NAME IP PORT MODE
# [MECHS]: MODE starttls (offers STARTTLS) or smtps (TLS from the first
# byte); MECHS the AUTH mechanisms its EHLO reply offers ("PLAIN LOGIN",
# "LOGIN"; none when empty), any credentials accepted.  Needs
# $BATS_TEST_TMPDIR/cert.pem and key.pem.  Writes to NAME.log every
# command, "SNI name" (or "SNI -") at each handshake, "CREDENTIALS MECH
# user password" after AUTH and "ERROR ..." when a session fails (as a
# refused handshake does); each message to NAME.msgN.
TLS_PEER_PY=$(cat <<'PY'
import base64, socket, ssl, sys
name, ip, port, mode, mechs, tmp = sys.argv[1:7]
log = open("%s/%s.log" % (tmp, name), "a", buffering=1)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(tmp + "/cert.pem", tmp + "/key.pem")
def note_sni(sock, sni, c):
    log.write("SNI %s\n" % (sni or "-"))	# None: go on with the handshake
ctx.sni_callback = note_sni
srv = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((ip, int(port)))
srv.listen(5)
nmsg = 0
FIXED = {"MAIL": "250 2.1.0 ok", "RCPT": "250 2.1.5 ok", "RSET": "250 2.0.0 ok",
         "QUIT": "221 2.0.0 bye"}
def b64(s):
    return base64.b64decode(s).decode("utf-8")
def session(conn):
    global nmsg
    if mode == "smtps":
        conn = ctx.wrap_socket(conn, server_side=True)
    f = conn.makefile("rb")
    def send(s):
        conn.sendall(s.encode())
    def get():
        l = f.readline()
        if not l:
            raise EOFError("peer closed")
        return l.decode("latin-1").rstrip("\r\n")
    send("220 tlspeer ESMTP\r\n")
    while True:
        cmd = get()
        log.write(cmd + "\n")
        u = cmd.upper()
        if u.startswith("EHLO"):
            ext = ["SIZE 10000000"]
            if mode == "starttls" and not isinstance(conn, ssl.SSLSocket):
                ext.append("STARTTLS")
            if mechs:
                ext.append("AUTH " + mechs)
            send("250-tlspeer\r\n" + "".join("250-%s\r\n" % e for e in ext[:-1]) + "250 %s\r\n" % ext[-1])
        elif u == "STARTTLS":
            send("220 2.0.0 go ahead\r\n")
            conn = ctx.wrap_socket(conn, server_side=True)
            f = conn.makefile("rb")
            log.write("TLS-STARTED\n")
        elif u.startswith("AUTH PLAIN "):
            _, user, pw = b64(cmd[11:]).split("\0")
            log.write("CREDENTIALS PLAIN %s %s\n" % (user, pw))
            send("235 2.7.0 ok\r\n")
        elif u == "AUTH LOGIN":
            send("334 VXNlcm5hbWU6\r\n")
            user = b64(get())
            send("334 UGFzc3dvcmQ6\r\n")
            log.write("CREDENTIALS LOGIN %s %s\n" % (user, b64(get())))
            send("235 2.7.0 ok\r\n")
        elif u == "DATA":
            send("354 go ahead\r\n")
            data = b""
            while True:
                l = f.readline()
                if not l or l == b".\r\n":
                    break
                data += l
            nmsg += 1
            open("%s/%s.msg%d" % (tmp, name, nmsg), "wb").write(data)
            send("250 2.0.0 queued as T%d\r\n" % nmsg)
        else:
            verb = u.split(" ")[0]
            send(FIXED.get(verb, "502 5.5.2 what") + "\r\n")
            if verb == "QUIT":
                return
def serve(c):
    with c:
        try:
            session(c)
        except Exception as e:
            log.write("ERROR %r\n" % e)
while True:
    serve(srv.accept()[0])
PY
)

start_tls_peer() {
	start_bg "$1" python3 -c "$TLS_PEER_PY" "$1" "$2" "$3" "$4" "${5:-}" \
	    "$BATS_TEST_TMPDIR"
	wait_ip_port "$2" "$3"
}

# The set-up both relay test files share: a root, free ports for SMTP
# and DNS, a 2 s SMTP timeout, and dnsmasq answering dN.test MX
# mx.dN.test -> 127.0.0.N (N = 2..9) plus the records given as arguments.
relay_setup() {
	relay_root
	PORT=$(relay_free_port)
	DNSPORT=$(relay_free_port)
	echo "$PORT" >"$ROOT/etc/smtpport"
	echo 2 >"$ROOT/etc/smtp-timeout"
	local args=() n
	for n in 2 3 4 5 6 7 8 9; do
		args+=(--mx-host="d$n.test,mx.d$n.test,10" --host-record="mx.d$n.test,127.0.0.$n")
	done
	start_dns "$DNSPORT" --local=/test/ "${args[@]}" "$@"
	MSG=$BATS_TEST_TMPDIR/msg
}
