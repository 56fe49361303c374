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

relay_root() {
	mk_root
	mkdir -p "$ROOT/queue"
	echo 5 >"$ROOT/etc/smtp-timeout"
}

QUEUE_PUT_PY=$(cat <<'PY'
import os, sys, time
root, sender, rcpts = sys.argv[1], sys.argv[2], sys.argv[3:]
data = sys.stdin.buffer.read()
qid = "%09x%05x%06x%x" % (int(time.time()), int(time.time() * 1e6) % 1000000,
                         os.getpid() & 0xffffff, 0)
h = 0
for c in qid:
    h = (h * 31 + ord(c)) & 0xffffffff
b = "%x" % (h & 15)
for d in ("tmp", "bad"):
    os.makedirs(os.path.join(root, "queue", d), exist_ok=True)
for d in ("mess", "env"):
    os.makedirs(os.path.join(root, "queue", d, b), exist_ok=True)
with open(os.path.join(root, "queue", "mess", b, qid), "wb") as f:
    f.write(data)
now = int(os.environ.get("QUEUE_ARRIVAL", time.time()))
lines = ["mailkit-queue 1", "id\t" + qid, "arrival\t%d" % now,
         "sender\t" + sender]
if sender == "":
    lines.append("dsn\t1")
for r in rcpts:
    lines.append("rcpt\t%s\ttodo\t0\t0\t-\t-" % r)
with open(os.path.join(root, "queue", "env", b, qid), "w") as f:
    f.write("\n".join(lines) + "\n")
print(qid)
PY
)

queue_put() {
	python3 -c "$QUEUE_PUT_PY" "$ROOT" "$@"
	sleep 0.01
}

qpath() {
	python3 - "$ROOT" "$1" "$2" <<'PY'
import sys
root, kind, qid = sys.argv[1:]
h = 0
for c in qid:
    h = (h * 31 + ord(c)) & 0xffffffff
print("%s/queue/%s/%x/%s" % (root, kind, h & 15, qid))
PY
}
env_file() { qpath env "$1"; }
mess_file() { qpath mess "$1"; }

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
		python3 -c 'import socket,sys; socket.create_connection((sys.argv[1],int(sys.argv[2])),1).close()' "$1" "$2" 2>/dev/null && return 0
		sleep 0.1
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
