# Shared set-up for the Bats files: load with `load lib` at the top.
#
#   mk_root            makes $ROOT with etc/me, etc/domains (example.test),
#                      and an empty etc/users; exports MAILKIT_ROOT
#   add_user ADDR PW [EXTRA]   appends an account with a SHA512-CRYPT hash
#   free_port          prints a free TCP port on 127.0.0.1 (high range)
#   start_bg NAME CMD...       starts CMD in the background, pid in
#                      $BATS_TEST_TMPDIR/NAME.pid, stopped by stop_all
#   stop_all           kills every process started with start_bg (by PID)
#   wait_port PORT     waits (bounded, 5 s) until 127.0.0.1:PORT accepts
#
# Programs are run from $MAILKIT_BIN (set by scripts/run-tests).

bats_load_library bats-support
bats_load_library bats-assert

: "${MAILKIT_BIN:=$BATS_TEST_DIRNAME/../build/bin}"
export PATH="$MAILKIT_BIN:$PATH"

mk_root() {
	ROOT="$BATS_TEST_TMPDIR/root"
	mkdir -p "$ROOT/etc" "$ROOT/mail" "$ROOT/queue"
	echo "mx.example.test" >"$ROOT/etc/me"
	echo "example.test" >"$ROOT/etc/domains"
	: >"$ROOT/etc/users"
	export MAILKIT_ROOT="$ROOT"
}

add_user() {
	local hash
	hash=$(openssl passwd -6 "$2")
	echo "$1:{SHA512-CRYPT}$hash::::::${3:-}" >>"$ROOT/etc/users"
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start_bg() {
	local name=$1
	shift
	"$@" &
	echo $! >"$BATS_TEST_TMPDIR/$name.pid"
}

stop_all() {
	local f
	for f in "$BATS_TEST_TMPDIR"/*.pid; do
		[ -f "$f" ] || continue
		kill "$(cat "$f")" 2>/dev/null || true
		rm -f "$f"
	done
}

wait_port() {
	local i
	for i in $(seq 1 50); do
		python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1).close()' "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# same_listing A B: two queue listings (mail-queue list, sendmail -bp)
# are the same, line for line, except the age column of "message" lines,
# which may have moved on by a second or two between the two runs (it
# counts from now); those ages must stay within 2 s of each other.
same_listing() {
	local strip='BEGIN { FS = OFS = "\t" } $1 == "message" { $4 = "AGE" } { print }'
	cmp <(awk "$strip" "$1") <(awk "$strip" "$2") || return 1
	paste <(awk -F'\t' '$1 == "message" { print $4 }' "$1") \
	    <(awk -F'\t' '$1 == "message" { print $4 }' "$2") |
	    awk '{ d = $2 - $1; if (d < 0) d = -d; if (d > 2) bad = 1 } END { exit bad }'
}
