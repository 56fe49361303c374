#!/usr/bin/env bats
# The launch files of scripts/ really used: the tcpserver run scripts of
# scripts/service/ (daemontools/runit/s6), scripts/tcp.smtp compiled with
# tcprules, the lines of scripts/inetd.conf, the systemd units of
# scripts/systemd/ and scripts/demo (make demo).  Each is run from a copy in
# which only the installation paths, the ports and the user are replaced by
# test values (127.0.0.1 high ports, a private root owned by nobody as
# README.md's "Deploying on a real host" says), then spoken to with Python's
# smtplib and poplib.  Needs root: the launch files start as root and drop
# to -u USER.

load lib

: "${MAILKIT_SRC:=$BATS_TEST_DIRNAME/..}"
S="$MAILKIT_SRC/scripts"

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root: the launch files start as root and drop to -u USER"
	T=$BATS_TEST_TMPDIR
	mk_root
	# the launch files must name the root themselves
	unset MAILKIT_ROOT MAILKIT_SBIN
	add_user alice@example.test alicepw
	mkdir -p "$ROOT/etc/tls" "$ROOT/mail/example.test/alice/"{new,cur,tmp}
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	    -days 2 -subj /CN=mx.example.test -keyout "$ROOT/etc/tls/key.pem" \
	    -out "$ROOT/etc/tls/cert.pem" 2>/dev/null
	# README.md, deploying: the root belongs to the mail user, closed to others
	chown -R nobody: "$ROOT"
	chmod 750 "$ROOT"
	chmod 600 "$ROOT/etc/tls/key.pem"
	local d=$T
	while [ "$d" != / ]; do chmod a+x "$d"; d=$(dirname "$d"); done
	write_client
	write_inetd
}

teardown() {
	stop_all
}

# ---------------------------------------------------------------- helpers

# client ROLE PORT: one real session with smtplib or poplib, one line
# key=reply for each step.  Roles: smtp (port 25 style: a message to a
# local user, then RCPT to a remote domain), submission and smtps (MAIL
# before AUTH, then AUTH and a message), pop3 and pop3s (login, STAT, RETR).
write_client() {
	cat >"$T/client.py" <<'PY'
import poplib, smtplib, ssl, sys
role, port = sys.argv[1], int(sys.argv[2])
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
msg = ("From: alice@example.test\r\nTo: alice@example.test\r\n"
       "Subject: launch %s\r\n\r\nhello from the launch test\r\n" % role).encode()

def out(key, code, text=b""):
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    print("%s=%s %s" % (key, code, " ".join(text.split())), flush=True)

try:
    if role in ("smtp", "submission", "smtps"):
        if role == "smtps":
            s = smtplib.SMTP_SSL(context=ctx, timeout=10)
            s._host = "127.0.0.1"	# the TLS server name, else set only by SMTP_SSL(host)
        else:
            s = smtplib.SMTP(timeout=10)
        out("greeting", *s.connect("127.0.0.1", port))
        out("ehlo", *s.ehlo("client.example"))
        print("starttls=%s" % ("yes" if s.has_extn("starttls") else "no"))
        if role == "smtp":
            out("mail", *s.mail("someone@remote.example"))
            out("rcpt", *s.rcpt("alice@example.test"))
            out("queued", *s.data(msg))
            out("mail2", *s.mail("someone@remote.example"))
            out("relay", *s.rcpt("bob@remote.example"))
        else:
            out("noauth", *s.mail("alice@example.test"))
            out("auth", *s.login("alice@example.test", "alicepw"))
            out("mail", *s.mail("alice@example.test"))
            out("rcpt", *s.rcpt("alice@example.test"))
            out("queued", *s.data(msg))
        out("quit", *s.quit())
    else:
        if role == "pop3s":
            p = poplib.POP3_SSL("127.0.0.1", port, context=ctx, timeout=10)
        else:
            p = poplib.POP3("127.0.0.1", port, timeout=10)
        out("greeting", "", p.getwelcome())
        out("user", "", p.user("alice@example.test"))
        out("pass", "", p.pass_("alicepw"))
        print("stat=%d %d" % p.stat())
        lines = p.retr(1)[1]
        print("retr=" + [l.decode() for l in lines if l.startswith(b"Subject:")][0])
        out("quit", "", p.quit())
except Exception as e:
    print("error=%s: %s" % (type(e).__name__, " ".join(str(e).split())))
PY
}

client() { python3 "$T/client.py" "$@"; }

# A minimal inetd for one service, as openbsd-inetd and inetutils-inetd
# run a "stream tcp nowait" line: accept on 127.0.0.1:PORT, fork, the
# connection on fd 0 and 1 and, for inetd, fd 2 (STDERR = socket); for
# systemd's StandardError=journal, STDERR = FILE instead.  Then execv(SERVER,
# ARGV) with a clean environment (PATH, or $INETD_PATH, and the sanitizer
# settings of the test run) and the default signal dispositions.
#   mini_inetd PORT socket|FILE SERVER ARGV0 ARG...
write_inetd() {
	cat >"$T/inetd.py" <<'PY'
import os, signal, socket, sys
port, err, server, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
env = {"PATH": os.environ.get("INETD_PATH", "/usr/sbin:/usr/bin:/sbin:/bin")}
env.update({k: v for k, v in os.environ.items() if k.endswith("SAN_OPTIONS")})
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port))
ls.listen(16)
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
while True:
    c, _ = ls.accept()
    if os.fork() == 0:
        ls.close()
        os.dup2(c.fileno(), 0)
        os.dup2(c.fileno(), 1)
        if err == "socket":
            os.dup2(c.fileno(), 2)
        else:
            os.dup2(os.open(err, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644), 2)
        os.closerange(3, 1024)
        for s in (signal.SIGCHLD, signal.SIGPIPE):
            signal.signal(s, signal.SIG_DFL)
        try:
            os.execve(server, argv, env)
        except OSError as e:
            os.write(2, ("inetd: execv %s: %s\n" % (server, e)).encode())
        os._exit(1)
    c.close()
PY
}

mini_inetd() {
	local port=$1
	# its output not into the caller's (run's) pipe, which would never close
	start_bg "inetd-$port" python3 "$T/inetd.py" "$@" >"$T/inetd-$port.log" 2>&1 3>&-
	wait_port "$port"
}

# subst FILE ERE REPLACEMENT: sed -E "s/ERE/REPLACEMENT/" on FILE (a copy),
# after checking that exactly one line matches: a launch file that changed
# cannot silently skip a substitution.
subst() {
	local n
	n=$(grep -cE -- "$2" "$1") || true
	if [ "$n" -ne 1 ]; then
		echo "subst: $1: $n lines match '$2', expected exactly 1" >&2
		return 1
	fi
	local d=$'\001'
	sed -E -i "s$d$2$d$3$d" "$1"
}

# The message files of the queue whose Subject is "launch ROLE".
queued_subject() {
	grep -rl --include='*.msg' "^Subject: launch $1" "$ROOT/queue" 2>/dev/null
}

# Checks the client's report for ROLE: greeting and one real transaction.
# For the SMTP roles the queued id of the reply is found on disk with the
# message; STARTTLS is offered on the plain ports (a certificate exists).
assert_session() {
	local role=$1 qid msg
	# for assert_line, and usable under run (no errexit): every check returns
	output=$2
	mapfile -t lines <<<"$output"
	echo "$output"
	refute_line --partial 'error=' || return 1
	case $role in
	smtp | submission | smtps)
		assert_line --regexp '^greeting=220 mx\.example\.test ' || return 1
		if [ "$role" = smtps ]; then
			assert_line 'starttls=no' || return 1
		else
			assert_line 'starttls=yes' || return 1
		fi
		assert_line --regexp '^queued=250 2\.0\.0 .*queued as [0-9a-f]+$' || return 1
		qid=$(sed -n 's/^queued=250 .*queued as \([0-9a-f]*\)$/\1/p' <<<"$output")
		msg=$(find "$ROOT/queue" -name "$qid.msg" | head -n 1)
		[ -f "$msg" ] || { echo "queue: no $qid.msg"; return 1; }
		grep -q "^Subject: launch $role" "$msg" || { echo "queue: $msg is not ours"; return 1; }
		[ "$(stat -c %U "$msg")" = nobody ] || { echo "queue: $msg not owned by nobody"; return 1; }
		assert_line --regexp '^quit=221 ' || return 1
		;;&
	smtp)
		assert_line --regexp '^rcpt=250 2\.1\.5 ' || return 1 ;;
	submission | smtps)
		assert_line --regexp '^noauth=530 5\.7\.0 ' || return 1
		assert_line --regexp '^auth=235 ' || return 1
		assert_line --regexp '^rcpt=250 2\.1\.5 ' || return 1 ;;
	pop3 | pop3s)
		assert_line --regexp '^greeting= \+OK' || return 1
		assert_line --regexp '^pass= \+OK' || return 1
		assert_line --regexp '^stat=1 [1-9][0-9]*$' || return 1
		assert_line 'retr=Subject: a stored message' || return 1
		assert_line --regexp '^quit= \+OK' || return 1 ;;
	*) echo "unknown role $role"; return 1 ;;
	esac
}

# One message in alice's Maildir for the POP3 roles.
store_message() {
	printf 'From: bob@example.test\nSubject: a stored message\n\nhello alice\n' \
	    >"$ROOT/mail/example.test/alice/new/1700000000.1.mx"
	chown -R nobody: "$ROOT/mail"
}

# The port a role is served on in a real deployment.
role_port() {
	case $1 in
	smtp) echo 25 ;; submission) echo 587 ;; smtps) echo 465 ;;
	pop3) echo 110 ;; pop3s) echo 995 ;; *) return 1 ;;
	esac
}

# The role of a command line: the program and its -S / -T flags.
role_of() {
	local prog=${1##*/} s=0 t=0 a
	shift
	for a in "$@"; do
		case $a in -S) s=1 ;; -T) t=1 ;; esac
	done
	case $prog:$s:$t in
	mail-submit:0:0) echo smtp ;; mail-submit:1:0) echo submission ;;
	mail-submit:1:1) echo smtps ;; mail-pop3:0:0) echo pop3 ;;
	mail-pop3:0:1) echo pop3s ;; *) return 1 ;;
	esac
}

# ------------------------------------------------ scripts/service (tcpserver)

# svc_copy NAME [PORT]: copies scripts/service/NAME to $T/service/NAME and
# substitutes, in the copy of run (each must match exactly one line):
#   ROOT=${MAILKIT_ROOT:-/var/lib/mailkit}  default -> the test root $ROOT
#   BIN=${MAILKIT_SBIN:-/usr/local/sbin}    default -> $MAILKIT_BIN
#   RUNAS=mailkit                           -> RUNAS=nobody
# and for the tcpserver scripts (those with PORT=):
#   PORT=<25|587|465|110|995>  -> PORT=<free high port>, checked against
#                                 the port of the role of the command line
#   ADDR=0                     -> ADDR=127.0.0.1
# The tcprules database is "$ROOT/etc/tcp.smtp.cdb": it follows ROOT.
# Afterwards no installation path or the user mailkit is left in the copy.
svc_copy() {
	local name=$1 port=${2:-} run role
	mkdir -p "$T/service"
	cp -a "$S/service/$name" "$T/service/$name"
	run=$T/service/$name/run
	subst "$run" '^ROOT=\$\{MAILKIT_ROOT:-/var/lib/mailkit\}$' "ROOT=\${MAILKIT_ROOT:-$ROOT}"
	subst "$run" '^BIN=\$\{MAILKIT_SBIN:-/usr/local/sbin\}$' "BIN=\${MAILKIT_SBIN:-$MAILKIT_BIN}"
	subst "$run" '^RUNAS=mailkit([[:space:]]|$)' 'RUNAS=nobody\1'
	if [ -n "$port" ]; then
		role=$(svc_role "$S/service/$name/run")
		subst "$run" "^PORT=$(role_port "$role")([[:space:]]|\$)" "PORT=$port\\1"
		subst "$run" '^ADDR=0([[:space:]]|$)' 'ADDR=127.0.0.1\1'
	fi
	if grep -nE '/var/lib/mailkit|/usr/local/sbin|RUNAS=mailkit|^PORT=[0-9]{1,3}([^0-9]|$)' "$run"; then
		echo "svc_copy: $run still has an installation value" >&2
		return 1
	fi
}

# The role of a tcpserver run script: from the mail-* command line it execs.
svc_role() {
	local words
	# the exec line and its continuation, with $BIN/ and the variables dropped
	words=$(sed -n '/^exec tcpserver/,/[^\\]$/p' "$1" | tr -d '\\' | tr -s ' \t\n' ' ' |
	    sed 's/.*"\$BIN\/\(mail-[a-z0-9]*\)"/\1/')
	# shellcheck disable=SC2086
	role_of $words
}

# svc_start NAME: runs the copy as a supervisor does (cd into its
# directory, exec ./run), with MAILKIT_ROOT and MAILKIT_SBIN unset.
svc_start() {
	start_bg "svc-$1" env -u MAILKIT_ROOT -u MAILKIT_SBIN \
	    sh -c 'cd "$1" && exec ./run' run "$T/service/$1" >"$T/$1.out" 2>&1 3>&-
}

@test "service: every directory has an executable run and log/run that sh accepts" {
	local n=0 d
	for d in "$S"/service/*/; do
		[ -x "$d/run" ]
		[ -x "$d/log/run" ]
		sh -n "$d/run"
		sh -n "$d/log/run"
		head -n 1 "$d/run" | grep -qx '#!/bin/sh'
		n=$((n + 1))
	done
	[ "$n" -eq 6 ]
}

@test "service: a changed run script cannot skip a substitution" {
	mkdir -p "$T/changed"
	cp -a "$S/service/mail-submit" "$T/changed/"
	sed -i 's|^ROOT=.*|ROOT=/srv/mailkit|' "$T/changed/mail-submit/run"
	run subst "$T/changed/mail-submit/run" '^ROOT=\$\{MAILKIT_ROOT:-/var/lib/mailkit\}$' "ROOT=$ROOT"
	assert_failure
	assert_output --partial '0 lines match'
}

@test "service mail-submit/run: greeting, a message to a local user queued, relaying refused 554 5.7.1 without tcprules" {
	local port
	port=$(free_port)
	svc_copy mail-submit "$port"
	[ ! -e "$ROOT/etc/tcp.smtp.cdb" ]
	svc_start mail-submit
	wait_port "$port"
	run client smtp "$port"
	assert_session smtp "$output"
	assert_line --regexp '^relay=554 5\.7\.1 '
	# tcpserver -v logs the connection, mail-submit its events, on the log pipe
	grep -q "tcpserver: status: " "$T/mail-submit.out"
	grep -q 'prog=mail-submit .*event=accept' "$T/mail-submit.out"
}

@test "service mail-submit/run + scripts/tcp.smtp: tcprules gives 127.0.0.1 RELAYCLIENT, relaying accepted" {
	local port
	cp "$S/tcp.smtp" "$ROOT/etc/tcp.smtp"
	# the command of the comments of the run script and of tcp.smtp
	grep -qF 'tcprules $ROOT/etc/tcp.smtp.cdb $ROOT/etc/tcp.smtp.tmp < $ROOT/etc/tcp.smtp' "$S/service/mail-submit/run"
	grep -qF 'tcprules ROOT/etc/tcp.smtp.cdb ROOT/etc/tcp.smtp.tmp < ROOT/etc/tcp.smtp' "$S/tcp.smtp"
	tcprules "$ROOT/etc/tcp.smtp.cdb" "$ROOT/etc/tcp.smtp.tmp" <"$ROOT/etc/tcp.smtp"
	[ ! -e "$ROOT/etc/tcp.smtp.tmp" ]
	run env TCPREMOTEIP=127.0.0.1 tcprulescheck "$ROOT/etc/tcp.smtp.cdb"
	assert_success
	assert_output --partial 'set environment variable RELAYCLIENT='
	assert_output --partial 'allow connection'
	run env TCPREMOTEIP=192.0.2.9 tcprulescheck "$ROOT/etc/tcp.smtp.cdb"
	assert_output --partial 'allow connection'
	refute_output --partial RELAYCLIENT
	port=$(free_port)
	svc_copy mail-submit "$port"
	svc_start mail-submit
	wait_port "$port"
	run client smtp "$port"
	assert_session smtp "$output"
	assert_line --regexp '^relay=250 2\.1\.5 '
}

@test "service mail-submission/run: AUTH required before MAIL, then a message queued" {
	local port
	port=$(free_port)
	svc_copy mail-submission "$port"
	svc_start mail-submission
	wait_port "$port"
	run client submission "$port"
	assert_session submission "$output"
}

@test "service mail-smtps/run: implicit TLS, AUTH required, then a message queued" {
	local port
	port=$(free_port)
	svc_copy mail-smtps "$port"
	svc_start mail-smtps
	wait_port "$port"
	run client smtps "$port"
	assert_session smtps "$output"
}

@test "service mail-pop3/run and mail-pop3s/run: login, STAT, RETR" {
	local p1 p2
	store_message
	p1=$(free_port)
	svc_copy mail-pop3 "$p1"
	svc_start mail-pop3
	p2=$(free_port)
	svc_copy mail-pop3s "$p2"
	svc_start mail-pop3s
	wait_port "$p1"
	wait_port "$p2"
	run client pop3 "$p1"
	assert_session pop3 "$output"
	run client pop3s "$p2"
	assert_session pop3s "$output"
}

# Queues a message for alice as the mail user, with the sendmail interface.
queue_for_alice() {
	printf 'From: alice@example.test\nSubject: launch relay\n\nqueued before the relay ran\n' |
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		    "$MAILKIT_BIN/mail-submit" -r "$ROOT" -f alice@example.test alice@example.test
	[ -n "$(queued_subject relay)" ]
}

# Waits (bounded, 10 s) for the relay message in alice's Maildir.
wait_delivered() {
	local i
	for i in $(seq 1 100); do
		grep -rlq '^Subject: launch relay' "$ROOT/mail/example.test/alice/new" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

@test "service mail-relay/run: runs as nobody in the foreground and delivers a queued message" {
	local pid
	queue_for_alice
	svc_copy mail-relay
	svc_start mail-relay
	wait_delivered
	pid=$(cat "$T/svc-mail-relay.pid")
	# the run script execs mail-relay: the supervised pid is the daemon
	grep -q "^Name:.*mail-relay" "/proc/$pid/status"
	awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status" | grep -qx '65534 65534 65534 65534'
	[ -z "$(queued_subject relay)" ]
	[ "$(stat -c %U "$(grep -rl '^Subject: launch relay' "$ROOT/mail/example.test/alice/new")")" = nobody ]
}

@test "service */log/run: the log lines reach the logger, tagged with the service, in a directory of the log user" {
	local d name real=
	if command -v multilog >/dev/null || command -v s6-log >/dev/null || command -v svlogd >/dev/null; then
		real=1
	else
		# none of multilog, s6-log, svlogd here: the script falls back to
		# logger, replaced by one that writes down what it gets (no syslog)
		mkdir -p "$T/fakebin"
		printf '#!/bin/sh\n{ echo "args: $*"; cat; } >"%s/logger.out"\n' "$T" >"$T/fakebin/logger"
		chmod +x "$T/fakebin/logger"
	fi
	for d in "$S"/service/*/log; do
		name=$(basename "$(dirname "$d")")
		mkdir -p "$T/logs/$name"
		cp -a "$d" "$T/logs/$name/log"
		# LOGUSER=mailkit -> LOGUSER=nobody, as in the run scripts
		subst "$T/logs/$name/log/run" '^LOGUSER=mailkit$' 'LOGUSER=nobody'
		rm -f "$T/logger.out"
		printf 'prog=launch-test event=x name=%s\n' "$name" |
			(cd "$T/logs/$name/log" && PATH="$T/fakebin:$PATH" timeout 10 ./run)
		[ "$(stat -c %U "$T/logs/$name/log/main")" = nobody ]
		if [ -n "$real" ]; then
			grep -q "event=x name=$name" "$T/logs/$name/log/main/current"
		else
			grep -qx "args: -t $name -p mail.info" "$T/logger.out"
			grep -qx "prog=launch-test event=x name=$name" "$T/logger.out"
		fi
	done
}

# ------------------------------------------------------- scripts/inetd.conf

# The service lines of an inetd.conf, comments and empty lines left out.
inetd_lines() { grep -vE '^[[:space:]]*(#|$)' "$1"; }

# check_inetd FILE: every line a sane "stream tcp nowait root" line, whose
# server is /bin/sh running "$@" of one of our programs with its log
# lines (stderr) sent to logger, or one of our programs directly; the
# service's port is the role's port; then the line, with the installation
# paths replaced (/usr/local/sbin/ -> $MAILKIT_BIN/, /var/lib/mailkit ->
# $ROOT, "-u mailkit" -> "-u nobody", each present on every line), is
# served by mini_inetd and must greet and do one transaction, and the
# program's log lines must reach syslog through logger (a stand-in on PATH
# that appends to $T/syslog: no syslog daemon here) with the program's tag.
check_inetd() {
	local file=$1 n=0 i want line svc type proto wait user server prog role port words
	local -a argv
	local -a all
	mkdir -p "$T/fakebin"
	printf '#!/bin/sh\n{ echo "args: $*"; cat; } >>"%s/syslog"\n' "$T" >"$T/fakebin/logger"
	chmod +x "$T/fakebin/logger"
	export INETD_PATH="$T/fakebin:/usr/sbin:/usr/bin:/sbin:/bin"
	mapfile -t all < <(inetd_lines "$file")
	for line in "${all[@]}"; do
		read -r svc type proto wait user server words <<<"$line"
		n=$((n + 1))
		read -r -a argv <<<"$words"
		[ "$type/$proto/$wait/$user" = stream/tcp/nowait/root ] ||
			{ echo "inetd: $svc: $type $proto $wait $user"; return 1; }
		[ "${argv[0]}" = "${server##*/}" ] || { echo "inetd: $svc: argv[0] ${argv[0]} for $server"; return 1; }
		local -a cmd
		if [ "$server" = /bin/sh ]; then
			[ "${argv[1]}" = -c ] && [ "${argv[3]}" = "${argv[4]##*/}" ] ||
				{ echo "inetd: $svc: not sh -c CMD NAME PROG: $words"; return 1; }
			cmd=("${argv[@]:4}")
		else
			cmd=("$server" "${argv[@]:1}")
		fi
		prog=${cmd[0]}
		[ "${prog%/*}" = /usr/local/sbin ] || { echo "inetd: $svc: $prog not in /usr/local/sbin"; return 1; }
		[ -x "$MAILKIT_BIN/${prog##*/}" ] || { echo "inetd: $svc: no program ${prog##*/}"; return 1; }
		role=$(role_of "${cmd[@]}") || { echo "inetd: $svc: no role for ${cmd[*]}"; return 1; }
		port=$(getent services "$svc/tcp" | awk '{ print $2 }')
		[ "$port" = "$(role_port "$role")/tcp" ] ||
			{ echo "inetd: $svc is port $port, its command is $role"; return 1; }
		for want in " /usr/local/sbin/" " -r /var/lib/mailkit " " -u mailkit "; do
			[[ " $server $words " == *"$want"* ]] || { echo "inetd: $svc: no '$want' to substitute: $words"; return 1; }
		done
		words=$(sed -e "s|/usr/local/sbin/|$MAILKIT_BIN/|g" -e "s| -r /var/lib/mailkit | -r $ROOT |" \
		    -e 's| -u mailkit | -u nobody |' <<<" $words ")
		server=${server/#\/usr\/local\/sbin\//$MAILKIT_BIN/}
		read -r -a argv <<<"$words"
		port=$(free_port)
		mini_inetd "$port" socket "$server" "${argv[@]}" || { echo "inetd: $svc: no listener"; return 1; }
		client "$role" "$port" </dev/null >"$T/inetd-$svc.out"
		echo "--- inetd $svc ($role) on $port: ${argv[*]}"
		assert_session "$role" "$(cat "$T/inetd-$svc.out")" || return 1
		if [ "$role" = smtp ]; then
			grep -q '^relay=554 5\.7\.1 ' "$T/inetd-$svc.out" || { echo "inetd: $svc relays"; return 1; }
		fi
		for i in $(seq 1 30); do
			grep -q "^args: -pmail.info -t${prog##*/}\$" "$T/syslog" 2>/dev/null &&
				grep -qE "^prog=${prog##*/} .*event=(disconnect|logout)" "$T/syslog" && break
			sleep 0.1
		done
		grep -qE "^prog=${prog##*/} .*event=(disconnect|logout)" "$T/syslog" ||
			{ echo "inetd: $svc: no log lines through logger"; return 1; }
		rm -f "$T/syslog"
	done
	[ "$n" -eq 5 ] || { echo "inetd: $n lines, expected 5"; return 1; }
}

@test "inetd.conf: every line, run as inetd runs it (socket on fds 0, 1 and 2), greets and does one transaction" {
	store_message
	run check_inetd "$S/inetd.conf"
	echo "$output"
	assert_success
	# every role once
	for r in smtp submission smtps pop3 pop3s; do
		assert_line --regexp "^--- inetd [a-z0-9]+ \\($r\\) "
	done
}

@test "inetd.conf: a line with a program or an option that does not exist fails the check" {
	store_message
	sed 's| mail-pop3 /usr/local/sbin/mail-pop3 | mail-pop /usr/local/sbin/mail-pop |' "$S/inetd.conf" >"$T/bad1"
	differs "$S/inetd.conf" "$T/bad1"
	run check_inetd "$T/bad1"
	assert_failure
	assert_line 'inetd: pop3: no program mail-pop'
	sed '/^submission /s| -bs | -bx |' "$S/inetd.conf" >"$T/bad2"
	differs "$S/inetd.conf" "$T/bad2"
	run check_inetd "$T/bad2"
	echo "$output"
	assert_failure
	assert_line --partial 'inetd submission (submission) on '
	assert_line --regexp '^error=SMTPServerDisconnected'
	sed '/^pop3s /s| -T$| -T -Q|' "$S/inetd.conf" >"$T/bad3"
	differs "$S/inetd.conf" "$T/bad3"
	run check_inetd "$T/bad3"
	echo "$output"
	assert_failure
	assert_line --partial 'inetd pop3s (pop3s) on '
	assert_line --regexp '^error='
	# a program whose log lines reach the client: stderr unredirected
	awk '$1 == "smtp" { print "smtp stream tcp nowait root /usr/local/sbin/mail-submit mail-submit -r /var/lib/mailkit -u mailkit -bs"; next } { print }' \
	    "$S/inetd.conf" >"$T/bad4"
	run check_inetd "$T/bad4"
	assert_failure
	assert_line --regexp '^greeting=-1 '
}

# ---------------------------------------------------------- scripts/systemd

# unit_value FILE KEY: the values of KEY= in FILE, one a line.
unit_value() { sed -n "s/^$2=//p" "$1"; }

# sd_copy: copies the units to $T/systemd with /usr/local/sbin ->
# $MAILKIT_BIN, /var/lib/mailkit -> $ROOT and "-u mailkit" -> "-u nobody"
# (checked: every ExecStart had all three).
sd_copy() {
	mkdir -p "$T/systemd"
	cp "$S"/systemd/* "$T/systemd/"
	local f
	for f in "$T"/systemd/*.service; do
		unit_value "$f" ExecStart | grep -qE '^/usr/local/sbin/mail-[a-z0-9]+ -r /var/lib/mailkit -u mailkit( |$)' ||
			{ echo "sd_copy: $f: ExecStart not as expected"; return 1; }
	done
	sed -i -e "s|/usr/local/sbin|$MAILKIT_BIN|g" -e "s|/var/lib/mailkit|$ROOT|g" \
	    -e 's|-u mailkit|-u nobody|' "$T"/systemd/*
}

# check_units DIR: each foo.socket has Accept=yes, one ListenStream, a
# foo@.service whose ExecStart (plain words: no quotes, % or $) is the role
# of that port, with standard input and output the socket.
check_units() {
	local dir=$1 sock svc n=0 exec role port
	for sock in "$dir"/*.socket; do
		n=$((n + 1))
		svc=${sock%.socket}@.service
		[ -f "$svc" ] || { echo "units: no ${svc##*/} for ${sock##*/}"; return 1; }
		[ "$(unit_value "$sock" Accept)" = yes ] || { echo "units: ${sock##*/}: Accept is not yes"; return 1; }
		[ "$(unit_value "$sock" ListenStream | wc -l)" -eq 1 ] || { echo "units: ${sock##*/}: not one ListenStream"; return 1; }
		port=$(unit_value "$sock" ListenStream)
		exec=$(unit_value "$svc" ExecStart)
		[ "$(wc -l <<<"$exec")" -eq 1 ] && [[ $exec =~ ^[-/A-Za-z0-9._\ ]+$ ]] ||
			{ echo "units: ${svc##*/}: ExecStart not one plain command: $exec"; return 1; }
		# shellcheck disable=SC2086
		role=$(role_of $exec) || { echo "units: ${svc##*/}: no role for $exec"; return 1; }
		[ "$port" = "$(role_port "$role")" ] || { echo "units: ${sock##*/} listens on $port, ${svc##*/} is $role"; return 1; }
		[ "$(unit_value "$svc" StandardInput)" = socket ] && [ "$(unit_value "$svc" StandardOutput)" = socket ] ||
			{ echo "units: ${svc##*/}: stdin/stdout not the socket"; return 1; }
		[ "$(unit_value "$svc" StandardError)" != socket ] || { echo "units: ${svc##*/}: logs into the session"; return 1; }
		echo "units: ${sock##*/} $port $role"
	done
	[ "$n" -eq 5 ] || { echo "units: $n socket units, expected 5"; return 1; }
}

@test "systemd: systemd-analyze verify accepts every unit (paths substituted)" {
	command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed: units not verified"
	sd_copy
	cd "$T/systemd"
	# --man=no: the man pages are not installed here
	run timeout 60 systemd-analyze verify --man=no ./*.socket ./*.service
	echo "$output"
	assert_success
	assert_output ''
	# and it does report a misspelled key
	sed -i 's/^Accept=yes/Acept=yes/' mail-pop3.socket
	run timeout 60 systemd-analyze verify --man=no ./mail-pop3.socket ./mail-pop3@.service
	assert_output --partial "Unknown key 'Acept'"
}

@test "systemd: every socket has Accept=yes, a template service and the port of its role" {
	run check_units "$S/systemd"
	echo "$output"
	assert_success
	assert_line 'units: mail-submit.socket 25 smtp'
	assert_line 'units: mail-submission.socket 587 submission'
	assert_line 'units: mail-smtps.socket 465 smtps'
	assert_line 'units: mail-pop3.socket 110 pop3'
	assert_line 'units: mail-pop3s.socket 995 pop3s'
	# and the check does fail: a wrong port, a missing -S
	mkdir -p "$T/bad"
	cp "$S"/systemd/* "$T/bad/"
	sed -i 's/^ListenStream=587/ListenStream=25/' "$T/bad/mail-submission.socket"
	run check_units "$T/bad"
	assert_failure
	cp "$S"/systemd/* "$T/bad/"
	sed -i 's/ -bs -S$/ -bs/' "$T/bad/mail-submission@.service"
	run check_units "$T/bad"
	assert_failure
	cp "$S"/systemd/* "$T/bad/"
	rm "$T/bad/mail-pop3s@.service"
	run check_units "$T/bad"
	assert_failure
}

@test "systemd: each ExecStart, run as the socket's service (socket on stdin/stdout, stderr the journal), greets and does one transaction" {
	local sock svc exec role port
	local -a cmd
	store_message
	sd_copy
	for sock in "$T"/systemd/*.socket; do
		svc=${sock%.socket}@.service
		exec=$(unit_value "$svc" ExecStart)
		read -r -a cmd <<<"$exec"
		role=$(role_of "${cmd[@]}")
		port=$(free_port)
		mini_inetd "$port" "$T/journal-$role" "${cmd[0]}" "${cmd[@]}"
		run client "$role" "$port"
		assert_session "$role" "$output"
		# the log lines went to the journal, not to the client
		grep -q "prog=${cmd[0]##*/} .*event=" "$T/journal-$role"
	done
}

@test "systemd: mail-relay.service's ExecStart stays in the foreground as nobody and delivers a queued message" {
	local -a cmd
	local pid
	queue_for_alice
	sd_copy
	read -r -a cmd <<<"$(unit_value "$T/systemd/mail-relay.service" ExecStart)"
	[ "${cmd[0]}" = "$MAILKIT_BIN/mail-relay" ]
	# Type=simple (the default): the ExecStart process is the daemon
	[ -z "$(unit_value "$T/systemd/mail-relay.service" Type)" ]
	# systemd's clean environment (and the sanitizer settings of the test run)
	start_bg relay env -i PATH=/usr/bin:/bin $(env | grep -E '^[A-Z]+SAN_OPTIONS=') \
	    "${cmd[@]}" 2>"$T/relay.journal" 3>&-
	wait_delivered
	pid=$(cat "$T/relay.pid")
	kill -0 "$pid"
	awk '/^Uid:/ { print $2 }' "/proc/$pid/status" | grep -qx 65534
	[ -z "$(queued_subject relay)" ]
}

# ------------------------------------------------------------- scripts/demo

# (bats: a "! cmd" that is not the last command of a test fails nothing)
not_listening() {
	if python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$1" 2>/dev/null; then
		echo "something still listens on 127.0.0.1:$1"
		return 1
	fi
}

differs() {
	if cmp -s "$1" "$2"; then echo "$2: the change did not apply"; return 1; fi
}

# A port base whose six demo ports (BASE+110 ... BASE+995) are all free.
free_base() {
	local i base
	for i in $(seq 1 20); do
		base=$(( (RANDOM % 200) * 100 + 20000 ))
		python3 - "$base" <<'PY' && { echo "$base"; return 0; }
import socket, sys
b = int(sys.argv[1])
for p in (110, 465, 525, 587, 625, 995):
    s = socket.socket()
    s.bind(("127.0.0.1", b + p))
    s.close()
PY
	done
	return 1
}

@test "demo: scripts/demo (make demo) on loopback high ports in a temp dir: every hop worked, nothing left behind" {
	local base
	base=$(free_base)
	mkdir -p "$T/tmp"
	run env TMPDIR="$T/tmp" MAILKIT_PORT_BASE="$base" timeout 120 "$S/demo"
	echo "$output"
	assert_success
	assert_line "demo: local host example.test on 127.0.0.1:$((base + 587)) (submission) and :$((base + 525)) (MX)"
	assert_line "demo: remote host remote.test on 127.0.0.1:$((base + 625))"
	assert_line '   ok: curl: message accepted (250)'
	assert_line "   ok: delivered into bob's Maildir"
	assert_line '   ok: accepted for relaying (authenticated)'
	assert_line "   ok: a bounce arrived in alice's mailbox"
	assert_line "   ok: bob read alice's message, not marked as spam"
	assert_line "   ok: alice's bounce is an RFC 3464 report with Status: 5.1.1"
	if [ -d "$MAILKIT_SRC/../shared/corpus/spam" ]; then
		assert_line '   ok: accepted on the MX port'
		assert_line '   ok: the corpus spam is marked X-Spam-Flag: YES'
	fi
	refute_output --partial FAILED
	assert_line 'demo: every hop worked'
	# its throw-away root is gone and nothing listens on its ports
	[ -z "$(ls -A "$T/tmp")" ]
	for p in 110 465 525 587 625 995; do
		not_listening $((base + p))
	done
}

@test "demo: stopped with SIGTERM in the middle, it stops both systems and removes its root" {
	local base pid i
	base=$(free_base)
	mkdir -p "$T/tmp"
	TMPDIR="$T/tmp" MAILKIT_PORT_BASE="$base" "$S/demo" >"$T/demo.out" 2>&1 3>&- &
	pid=$!
	for i in $(seq 1 100); do
		grep -q '^== 1\.' "$T/demo.out" && break
		sleep 0.1
	done
	grep -q '^== 1\.' "$T/demo.out"
	python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' $((base + 587))
	kill -TERM "$pid"
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then echo "demo still running"; return 1; fi
	[ -z "$(ls -A "$T/tmp")" ]
	for p in 110 465 525 587 625 995; do
		not_listening $((base + p))
	done
}

# ------------------------------------------------------------- make install

@test "install: every program and man page the launch files name is where make install puts it" {
	local plan bindir mandir progs p f page
	plan=$(make -C "$MAILKIT_SRC" -n --no-print-directory O="$(dirname "$MAILKIT_BIN")" \
	    install DESTDIR=/DESTDIR)
	bindir=$(sed -n 's|^install -d /DESTDIR\(/.*sbin\)$|\1|p' <<<"$plan")
	[ "$bindir" = /usr/local/sbin ]
	progs=" $(grep '^install -m 755 ' <<<"$plan" | tr ' ' '\n' | grep '/bin/' | xargs -n 1 basename | tr '\n' ' ') "
	[[ $progs == *" mail-submit "* ]]
	mandir=$(grep -o 'install -d /DESTDIR[^;]*/man\$s' <<<"$plan" | sed 's|install -d /DESTDIR||; s|/man\$s$||')
	[ "$mandir" = /usr/local/share/man ]
	# the programs: $BIN/NAME with BIN defaulting to bindir, bindir/NAME
	for f in "$S"/service/*/run; do
		grep -qx "BIN=\${MAILKIT_SBIN:-$bindir}" "$f"
		for p in $(grep -o '"\$BIN/[a-z0-9-]*"' "$f" | sed 's|"$BIN/||; s|"||'); do
			[[ $progs == *" $p "* ]] || { echo "$f: $p is not installed"; return 1; }
		done
	done
	for p in $(cat "$S/inetd.conf" "$S"/systemd/* | grep -v '^#' | grep -o '/usr/local/sbin[^ ]*'); do
		[ "$p" != "$bindir" ] || continue	# mail-relay -b
		[ "${p%/*}" = "$bindir" ] || { echo "$p: not in $bindir"; return 1; }
		[[ $progs == *" ${p##*/} "* ]] || { echo "$p: not installed"; return 1; }
	done
	# the man pages of Documentation= (systemd-analyze verify ran with --man=no)
	for page in $(sed -n 's/^Documentation=//p' "$S"/systemd/* | tr ' ' '\n' | sort -u); do
		f=$(sed -E 's/^man:([a-z0-9-]+)\(([0-9])\)$/man\/\1.\2/' <<<"$page")
		grep -qF " $f;" <<<"$plan" || grep -qF " $f " <<<"$plan" ||
			{ echo "$page: $f is not installed"; return 1; }
	done
}
