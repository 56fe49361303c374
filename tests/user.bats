#!/usr/bin/env bats
# mail-user: accounts in etc/users and their mailboxes.

load lib
load admin_lib

setup() {
	mk_root
	printf '# accounts\n' >"$ROOT/etc/users"
}

@test "add: SHA512-CRYPT hash that verifies, no plaintext, Maildir made" {
	run mail-user add Alice@Example.Test <<<'s3cret pass'
	assert_success
	assert_output ''
	run grep -c 's3cret' "$ROOT/etc/users"
	assert_output 0
	run grep -c '^alice@example.test:{SHA512-CRYPT}\$6\$[^:]*$' "$ROOT/etc/users"
	assert_output 1
	hash_verifies alice@example.test 's3cret pass'
	! hash_verifies alice@example.test 's3cret pasS'
	[ -d "$ROOT/mail/example.test/alice/new" ]
	[ -d "$ROOT/mail/example.test/alice/cur" ]
	[ -d "$ROOT/mail/example.test/alice/tmp" ]
	run head -1 "$ROOT/etc/users"
	assert_output '# accounts'
	[ ! -e "$ROOT/etc/users.tmp" ]
}

@test "add: two hashes of one password differ (salted)" {
	mail-user add a@example.test <<<'same'
	mail-user add b@example.test <<<'same'
	[ "$(hash_of a@example.test)" != "$(hash_of b@example.test)" ]
}

@test "add -m mbox: empty mbox file and mailbox=mbox in the account" {
	run mail-user add -m mbox bob@example.test <<<'pw'
	assert_success
	[ -f "$ROOT/mail/example.test/bob" ]
	[ ! -s "$ROOT/mail/example.test/bob" ]
	run grep -c '^bob@example.test:{SHA512-CRYPT}[^:]*::::::mailbox=mbox$' \
	    "$ROOT/etc/users"
	assert_output 1
	run mail-user add -m mh carl@example.test <<<'pw'
	assert_failure 64
}

@test "add: password line ending in CRLF, and from a file without newline" {
	printf 'crlfpw\r\n' | mail-user add a@example.test
	hash_verifies a@example.test crlfpw
	printf 'nonl' | mail-user add b@example.test
	hash_verifies b@example.test nonl
}

@test "add: duplicate refused (73) in any case, file unchanged" {
	mail-user add a@example.test <<<'pw'
	cp "$ROOT/etc/users" "$BATS_TEST_TMPDIR/before"
	run mail-user add A@EXAMPLE.TEST <<<'other'
	assert_failure 73
	assert_output 'mail-user: a@example.test: account exists already'
	cmp "$ROOT/etc/users" "$BATS_TEST_TMPDIR/before"
}

@test "add: bad addresses refused (65), nothing written or created" {
	local a
	for a in noat '@example.test' 'a@' 'a b@example.test' \
	    '.hidden@example.test' 'a..b@example.test' '"q:x"@example.test' \
	    "$(printf 'a\001b@example.test')"; do
		run mail-user add "$a" <<<'pw'
		assert_failure 65
		assert_output --partial 'mail-user: bad address'
	done
	run mail-user add 'a/b@example.test' <<<'pw'
	assert_failure 65
	run cat "$ROOT/etc/users"
	assert_output '# accounts'
	run ls -A "$ROOT/mail"
	assert_output ''
}

@test "add: empty, NUL-holding or too long password refused (65)" {
	run mail-user add a@example.test <<<''
	assert_failure 65
	assert_output 'mail-user: empty password refused'
	run mail-user add a@example.test </dev/null
	assert_failure 65
	run mail-user add a@example.test < <(printf 'ab\0cd\n')
	assert_failure 65
	assert_output 'mail-user: password holds a NUL byte'
	run mail-user add a@example.test <<<"$(head -c 2000 /dev/zero | tr '\0' x)"
	assert_failure 65
	# the most crypt(3) takes is 511 bytes: 512 is refused as too long
	run mail-user add a@example.test <<<"$(head -c 512 /dev/zero | tr '\0' x)"
	assert_failure 65
	assert_output 'mail-user: password longer than 511 bytes'
	run mail-user add a@example.test <<<"$(head -c 511 /dev/zero | tr '\0' x)"
	assert_success
	run mail-user del -p a@example.test
	assert_success
	run grep -c example "$ROOT/etc/users"
	assert_output 0
}

@test "add: a domain not in etc/domains is refused (68)" {
	run mail-user add a@other.test <<<'pw'
	assert_failure 68
	assert_output 'mail-user: a@other.test: domain other.test is not in etc/domains'
	echo other.test >>"$ROOT/etc/domains"
	run mail-user add a@other.test <<<'pw'
	assert_success
}

@test "passwd: new hash verifies, old does not, other lines byte-identical" {
	cat >"$ROOT/etc/users" <<-'EOF'
	# accounts, hand-edited
	x@example.test:{PLAIN}keep:1000:1000:X Y:/home/x:/bin/sh:quota=5 future_key=on

	   # indented comment
	EOF
	mail-user add a@example.test <<<'old'
	add_user b@example.test bpw 'mailbox=mbox quota=99 other=1'
	cp "$ROOT/etc/users" "$BATS_TEST_TMPDIR/before"
	run mail-user passwd a@example.test <<<'new'
	assert_success
	hash_verifies a@example.test new
	! hash_verifies a@example.test old
	diff <(grep -v '^a@' "$BATS_TEST_TMPDIR/before") \
	    <(grep -v '^a@' "$ROOT/etc/users")
	[ "$(grep -n '^a@' "$ROOT/etc/users" | cut -d: -f1)" = 5 ]
	# extra fields of the changed line are kept
	run mail-user passwd b@example.test <<<'bnew'
	assert_success
	hash_verifies b@example.test bnew
	run grep -c '^b@example.test:{SHA512-CRYPT}[^:]*::::::mailbox=mbox quota=99 other=1$' "$ROOT/etc/users"
	assert_output 1
}

@test "passwd, del, quota: unknown account is 67" {
	mail-user add a@example.test <<<'pw'
	run mail-user passwd zz@example.test <<<'pw'
	assert_failure 67
	assert_output 'mail-user: zz@example.test: no such account'
	run mail-user del zz@example.test
	assert_failure 67
	run mail-user quota zz@example.test 100
	assert_failure 67
	run mail-user quota zz@example.test
	assert_failure 67
}

@test "del: account gone, mailbox moved aside to mail/.deleted, others kept" {
	mail-user add a@example.test <<<'pw'
	mail-user add b@example.test <<<'pw'
	echo 'hello' >"$ROOT/mail/example.test/a/new/1.1.x,S=6"
	run mail-user del A@example.test
	assert_success
	assert_output --regexp "^$ROOT/mail/.deleted/a@example.test\.[0-9]+$"
	[ -f "$output/new/1.1.x,S=6" ]
	[ ! -e "$ROOT/mail/example.test/a" ]
	[ -d "$ROOT/mail/example.test/b" ]
	run grep -c '^a@' "$ROOT/etc/users"
	assert_output 0
	run grep -c '^b@' "$ROOT/etc/users"
	assert_output 1
	# a new account of that name starts with an empty mailbox
	mail-user add a@example.test <<<'pw2'
	run ls "$ROOT/mail/example.test/a/new"
	assert_output ''
	# and a second deletion in the same second does not clash
	run mail-user del a@example.test
	assert_success
	[ "$(ls "$ROOT/mail/.deleted" | wc -l)" = 2 ]
}

@test "del -p: mailbox removed; del of an account without mailbox" {
	mail-user add -m mbox a@example.test <<<'pw'
	printf 'From x\nSubject: 1\n\nb\n' >"$ROOT/mail/example.test/a"
	run mail-user del -p a@example.test
	assert_success
	assert_output ''
	[ ! -e "$ROOT/mail/example.test/a" ]
	[ ! -e "$ROOT/mail/.deleted" ]
	add_user c@example.test pw
	run mail-user del c@example.test
	assert_success
	run grep -c example "$ROOT/etc/users"
	assert_output 0
}

@test "quota: set, keep with -, remove with 0, show" {
	mail-user add a@example.test <<<'pw'
	run mail-user quota a@example.test 1000000 50
	assert_success
	run grep -c '^a@example.test:[^:]*::::::quota=1000000 quota_messages=50$' "$ROOT/etc/users"
	assert_output 1
	run mail-user quota a@example.test
	assert_output "$(printf 'a@example.test\t1000000\t50')"
	mail-user quota a@example.test - 7
	mail-user quota a@example.test 2000
	run mail-user quota a@example.test
	assert_output "$(printf 'a@example.test\t2000\t7')"
	mail-user quota a@example.test 0 0
	run grep -c '^a@example.test:[^:]*::::::$' "$ROOT/etc/users"
	assert_output 1
	run mail-user quota a@example.test 12x
	assert_failure 65
	run mail-user quota a@example.test -- -5
	assert_failure
}

@test "quota: keeps the other keys of the extra field in order" {
	add_user a@example.test pw 'mailbox=mbox quota=5 x=y'
	mail-user quota a@example.test 77
	run grep -c '::::::mailbox=mbox quota=77 x=y$' "$ROOT/etc/users"
	assert_output 1
}

@test "list: exact tab-separated lines with mailbox sizes and counts" {
	mail-user add a@example.test <<<'pw'
	mail-user add -m mbox b@example.test <<<'pw'
	mail-user add c@example.test <<<'pw'
	rm -r "$ROOT/mail/example.test/c"
	mail-user quota b@example.test 5000 10
	printf '0123456789' >"$ROOT/mail/example.test/a/new/1.1.h,S=10"
	printf 'abcde' >"$ROOT/mail/example.test/a/cur/1.2.h,S=5:2,S"
	printf 'From a\nSubject: 1\n\nx\n\nFrom b\nSubject: 2\n\ny\n\n' \
	    >"$ROOT/mail/example.test/b"
	echo '# trailing comment' >>"$ROOT/etc/users"
	run mail-user list
	assert_success
	assert_output "$(printf 'a@example.test\tmaildir\t0\t0\t15\t2\nb@example.test\tmbox\t5000\t10\t44\t2\nc@example.test\tmaildir\t0\t0\t0\t0')"
}

@test "list: a mailbox that is a symbolic link is reported, not measured" {
	add_user a@example.test pw
	mkdir -p "$ROOT/mail/example.test"
	ln -s /etc/passwd "$ROOT/mail/example.test/a"
	run mail-user list
	assert_success
	assert_line --index 0 "mail-user: a@example.test: $ROOT/mail/example.test/a is no mailbox (a link?)"
	assert_line --index 1 "$(printf 'a@example.test\tmbox\t0\t0\t0\t0')"
}

@test "list: a malformed line is reported and skipped" {
	add_user a@example.test pw
	echo 'broken@example.test:{PLAIN}x::::::quota=lots' >>"$ROOT/etc/users"
	add_user b@example.test pw
	run mail-user list
	assert_success
	assert_line --index 0 --partial 'malformed line skipped'
	assert_line --index 1 "$(printf 'a@example.test\tmaildir\t0\t0\t0\t0')"
	assert_line --index 2 "$(printf 'b@example.test\tmaildir\t0\t0\t0\t0')"
}

@test "concurrent: 10 parallel adds all land, none lost, no temp left" {
	local i
	for i in $(seq 1 10); do
		mail-user add "u$i@example.test" <<<"pw$i" &
	done
	wait
	run grep -c '^u[0-9]*@example.test:{SHA512-CRYPT}\$6\$' "$ROOT/etc/users"
	assert_output 10
	for i in 1 5 10; do hash_verifies "u$i@example.test" "pw$i"; done
	run mail-user list
	[ "${#lines[@]}" = 10 ]
	[ ! -e "$ROOT/etc/users.tmp" ]
	# and parallel password changes while adding keep every account
	for i in $(seq 1 5); do
		mail-user passwd "u$i@example.test" <<<"new$i" &
		mail-user add "v$i@example.test" <<<"v$i" &
	done
	wait
	run grep -c '@example.test:' "$ROOT/etc/users"
	assert_output 15
	hash_verifies u3@example.test new3
}

@test "lock: an edit waits for the holder of etc/users.lock" {
	flock "$ROOT/etc/users.lock" sleep 1 &
	sleep 0.2
	local t0=$SECONDS
	run mail-user add a@example.test <<<'pw'
	assert_success
	wait
	grep -q '^a@example.test:' "$ROOT/etc/users"
	# list does not need the lock
	flock "$ROOT/etc/users.lock" sleep 1 &
	sleep 0.2
	run timeout 0.7 mail-user list
	assert_success
	wait
}

@test "a leftover etc/users.tmp (a crash, or a planted link) is replaced" {
	echo precious >"$BATS_TEST_TMPDIR/other"
	ln "$BATS_TEST_TMPDIR/other" "$ROOT/etc/users.tmp"
	mail-user add a@example.test <<<'pw'
	run cat "$BATS_TEST_TMPDIR/other"
	assert_output precious
	[ ! -e "$ROOT/etc/users.tmp" ]
	grep -q '^a@example.test:' "$ROOT/etc/users"
}

@test "file mode and owner of etc/users are kept; new file is 0640" {
	chmod 600 "$ROOT/etc/users"
	mail-user add a@example.test <<<'pw'
	[ "$(stat -c %a "$ROOT/etc/users")" = 600 ]
	rm "$ROOT/etc/users"
	mail-user add b@example.test <<<'pw'
	[ "$(stat -c %a "$ROOT/etc/users")" = 640 ]
	run cat "$ROOT/etc/users"
	assert_output --regexp '^b@example.test:\{SHA512-CRYPT\}'
}

@test "mailbox of root-run add belongs to the owner of ROOT/mail" {
	[ "$(id -u)" = 0 ] || skip "needs root to change owners"
	chown 65534:65534 "$ROOT/mail"
	mail-user add a@example.test <<<'pw'
	[ "$(stat -c %u:%g "$ROOT/mail/example.test")" = 65534:65534 ]
	[ "$(stat -c %u:%g "$ROOT/mail/example.test/a")" = 65534:65534 ]
	[ "$(stat -c %u:%g "$ROOT/mail/example.test/a/new")" = 65534:65534 ]
	[ "$(stat -c %u:%g "$ROOT/mail/example.test/a/cur")" = 65534:65534 ]
	[ "$(stat -c %u:%g "$ROOT/mail/example.test/a/tmp")" = 65534:65534 ]
	mail-user add -m mbox b@example.test <<<'pw'
	[ "$(stat -c %u:%g "$ROOT/mail/example.test/b")" = 65534:65534 ]
	# the accounts file stays root's
	[ "$(stat -c %u "$ROOT/etc/users")" = 0 ]
}

@test "the new account logs in over POP3" {
	mail-user add pop@example.test <<<'pop secret'
	printf 'USER pop@example.test\r\nPASS pop secret\r\nSTAT\r\nQUIT\r\n' \
	    | mail-pop3 >"$BATS_TEST_TMPDIR/out" 2>/dev/null
	run sed -n 3,4p "$BATS_TEST_TMPDIR/out"
	assert_output "$(printf '+OK 0 messages\r\n+OK 0 0\r')"
	printf 'USER pop@example.test\r\nPASS wrong\r\nQUIT\r\n' \
	    | mail-pop3 >"$BATS_TEST_TMPDIR/out" 2>/dev/null
	run sed -n 3p "$BATS_TEST_TMPDIR/out"
	assert_output --regexp '^-ERR'
}

@test "usage, -h, -V" {
	run mail-user
	assert_failure 64
	run mail-user frobnicate
	assert_failure 64
	run mail-user add
	assert_failure 64
	run mail-user list extra
	assert_failure 64
	run mail-user -V
	assert_success
	assert_output --partial 'mail-user mailkit'
	run mail-user -h
	assert_success
	assert_output --partial 'usage: mail-user [-r ROOT]'
}
