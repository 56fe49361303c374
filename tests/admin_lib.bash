# Helpers for tests/user.bats and tests/queue.bats (load after lib).
#
#   hash_of ADDR            the stored "{SCHEME}hash" of an account
#   hash_verifies ADDR PW   true when the stored SHA512-CRYPT hash is that
#                           of PW, recomputed with openssl from its salt
#   queue_bucket ID         the hex digit of queue/env/H/ID and ID.msg
#   queue_put ID ARRIVAL SENDER [FLAGS] -- RCPT-RECORD...
#                           writes an envelope (RCPT-RECORD is "addr state
#                           attempts next status diag", fields TAB-joined
#                           by the caller) and a small message, the way
#                           queue(5) lays them out
#   env_file ID / mess_file ID   their paths

hash_of() {
	awk -F: -v a="$1" 'tolower($1) == tolower(a) { print $2; exit }' \
	    "$ROOT/etc/users"
}

hash_verifies() {
	local stored salt want
	stored=$(hash_of "$1")
	case "$stored" in
	'{SHA512-CRYPT}$6$'*) ;;
	*) echo "not SHA512-CRYPT: $stored"; return 1 ;;
	esac
	stored=${stored#\{SHA512-CRYPT\}}
	salt=$(printf '%s' "$stored" | cut -d'$' -f3)
	want=$(printf '%s\n' "$2" | openssl passwd -6 -salt "$salt" -stdin)
	[ "$want" = "$stored" ]
}

queue_bucket() {
	local id=$1 h=0 i c
	for ((i = 0; i < ${#id}; i++)); do
		printf -v c '%d' "'${id:i:1}"
		h=$(((h * 31 + c) & 15))
	done
	printf '%x' "$h"
}

env_file() { echo "$ROOT/queue/env/$(queue_bucket "$1")/$1"; }
mess_file() { echo "$ROOT/queue/env/$(queue_bucket "$1")/$1.msg"; }

queue_put() {
	local id=$1 arrival=$2 sender=$3 flags=$4 env mess r
	shift 4
	[ "${1:-}" = "--" ] && shift
	env=$(env_file "$id")
	mess=$(mess_file "$id")
	mkdir -p "$(dirname "$env")" "$(dirname "$mess")" "$ROOT/queue/tmp"
	printf 'Subject: test %s\r\n\r\nbody of %s\r\n' "$id" "$id" >"$mess"
	{
		printf 'mailkit-queue 1\nid\t%s\narrival\t%s\nsender\t%s\n' \
		    "$id" "$arrival" "$sender"
		case "$flags" in *held*) printf 'held\t1\n' ;; esac
		case "$flags" in *dsn*) printf 'dsn\t1\n' ;; esac
		for r in "$@"; do printf 'rcpt\t%s\n' "$r"; done
	} >"$env"
}
