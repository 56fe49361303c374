# mail-submit as a sendmail-compatible injector.
load lib
load submit_lib

setup() {
	submit_root
	rm -rf "$Q"		# the injector makes the queue when missing
	M="$BATS_TEST_TMPDIR/msg"
}

teardown() {
	stop_all
}

@test "recipients as arguments; From:, Date:, Message-ID: added; LF kept" {
	printf 'Subject: hi\n\nbody\n' >"$M"
	run mail-submit -f bob@example.test bob alice@example.test <"$M"
	assert_success
	assert_output ""
	[ "$(queued)" -eq 1 ]
	run qenv
	assert_line "sender	bob@example.test"
	assert_line --regexp "^rcpt	bob@example.test	todo"
	assert_line --regexp "^rcpt	alice@example.test	todo"
	run qmess
	assert_line --index 0 "Received: (mailkit invoked by uid $(id -u))"
	assert_line --regexp "^	by mx.example.test \(mailkit\) id [0-9a-f]+; [A-Z][a-z]{2}, "
	assert_line --index 2 "Subject: hi"
	assert_line --regexp "^Date: "
	assert_line --regexp "^Message-ID: <[0-9a-f]+@mx.example.test>$"
	assert_line "From: bob@example.test"
	[ "$(grep -c $'\r' "$Q"/env/*/*.msg)" -eq 0 ]
	[ "$(tail -c 7 "$Q"/env/*/*.msg | od -An -c)" = "$(printf '\n\nbody\n' | od -An -c)" ]
}

@test "the default sender is the invoking user at the first local domain" {
	printf 'Subject: x\n\nx\n' | mail-submit bob@example.test
	run qenv
	assert_line "sender	$(id -un)@example.test"
}

@test "-t: recipients from To, Cc and Bcc; Bcc removed; display names, groups, comments" {
	cat >"$M" <<'MSG'
From: Bob <bob@example.test>
To: "Smith, Alice" <alice@example.test>, carol@remote.test (Carol)
Cc: team: dave@remote.test, erin@remote.test;
Bcc: secret@remote.test,
 hidden@remote.test
Subject: list

text
MSG
	run mail-submit -t -f bob@example.test <"$M"
	assert_success
	run qenv
	for r in alice@example.test carol@remote.test dave@remote.test erin@remote.test secret@remote.test hidden@remote.test; do
		assert_line --regexp "^rcpt	$r	todo"
	done
	run qmess
	refute_line --regexp "^Bcc:"
	refute_line --regexp "hidden"
	assert_line "Cc: team: dave@remote.test, erin@remote.test;"
	assert_line "From: Bob <bob@example.test>"
}

@test "-F sets the full name of an added From:" {
	printf 'Subject: x\n\nx\n' | mail-submit -f bob@example.test -F 'Bob "the" Builder' bob@example.test
	run qmess
	assert_line 'From: "Bob \"the\" Builder" <bob@example.test>'
}

@test "a lone dot ends the message, but not with -i or -oi" {
	printf 'Subject: x\n\nline\n.\nafter\n' | mail-submit bob@example.test
	run qmess
	assert_line "line"
	refute_line "after"
	rm -rf "$Q"
	printf 'Subject: x\n\nline\n.\nafter\n' | mail-submit -i bob@example.test
	run qmess
	assert_line "."
	assert_line "after"
	rm -rf "$Q"
	printf 'Subject: x\n\nline\n.\nafter\n' | mail-submit -oi bob@example.test
	run qmess
	assert_line "after"
}

@test "common sendmail no-op flags are accepted" {
	printf 'Subject: x\n\nx\n' | mail-submit -odi -oem -oQ/tmp -B 8BITMIME -N never -R hdrs -v -U -- bob@example.test
	[ "$(queued)" -eq 1 ]
}

@test "aliases are expanded to their final recipients" {
	printf 'Subject: x\n\nx\n' | mail-submit sales@example.test
	run qenv
	assert_line --regexp "^rcpt	bob@example.test	todo"
	assert_line --regexp "^rcpt	friend@remote.test	todo"
	refute_line --regexp "sales|info"
}

@test "no recipients: exit 64 with a one-line reason" {
	run mail-submit </dev/null
	[ "$status" -eq 64 ]
	assert_output "mail-submit: no recipients"
	run mail-submit -t <<<"Subject: none"
	[ "$status" -eq 64 ]
}

@test "a bad recipient: exit 65, nothing queued" {
	run mail-submit 'a b@@example.test' <<<"x"
	[ "$status" -eq 65 ]
	assert_output --regexp "^mail-submit: bad recipient address: "
	[ "$(queued)" -eq 0 ]
}

@test "NUL in the message: exit 65, nothing queued" {
	run bash -c 'printf "Subject: x\n\na\0b\n" | mail-submit bob@example.test'
	[ "$status" -eq 65 ]
	assert_output "mail-submit: NUL byte in the message"
	[ "$(queued)" -eq 0 ]
}

@test "a message over etc/maxsize: exit 65, nothing queued" {
	echo 100 >"$ROOT/etc/maxsize"
	run bash -c 'head -c 5000 /dev/zero | tr "\0" a | mail-submit bob@example.test'
	[ "$status" -eq 65 ]
	assert_output "mail-submit: message too big"
	[ "$(queued)" -eq 0 ]
}

@test "the content filter refuses for now: exit 75, nothing queued" {
	printf '#!/bin/sh\nexit 75\n' >"$ROOT/f.sh"
	chmod +x "$ROOT/f.sh"
	echo "$ROOT/f.sh" >"$ROOT/etc/filter"
	mkdir -p "$Q"
	run mail-submit bob@example.test <<<"x"
	[ "$status" -eq 75 ]
	assert_output "mail-submit: content filter: temporary refusal, try again later"
	[ "$(queued)" -eq 0 ]
}

@test "an unwritable queue: exit 75, never 0" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to drop privileges"
	# a root that user nobody can reach (the Bats directory may not be)
	R2=$(mktemp -d /tmp/mailkit-submit.XXXXXX)
	cp -r "$ROOT/etc" "$R2/etc"
	chmod 755 "$R2" "$R2/etc"
	chmod 644 "$R2"/etc/*
	MAILKIT_ROOT="$R2" mail-submit bob@example.test <<<"x"
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		env MAILKIT_ROOT="$R2" "$MAILKIT_BIN/mail-submit" -f a@remote.test bob@example.test <<<"x"
	n=$(find "$R2/queue/env" -type f ! -name "*.msg" | wc -l)
	rm -rf "$R2"
	[ "$status" -eq 75 ]
	assert_output "mail-submit: cannot create a queue file: Permission denied"
	[ "$n" -eq 1 ]
}

@test "invoked as sendmail; sendmail -bs speaks SMTP and may relay from a pipe" {
	ln -s "$MAILKIT_BIN/mail-submit" "$BATS_TEST_TMPDIR/sendmail"
	printf 'Subject: x\n\nx\n' | "$BATS_TEST_TMPDIR/sendmail" -t -i <<<"To: bob@example.test"
	[ "$(queued)" -eq 1 ]
	run bash -c 'printf "EHLO x\r\nMAIL FROM:<bob@example.test>\r\nRCPT TO:<far@remote.test>\r\nDATA\r\n\r\nx\r\n.\r\nQUIT\r\n" | "$BATS_TEST_TMPDIR/sendmail" -bs 2>/dev/null | tr -d "\r"'
	assert_line --index 0 "220 mx.example.test ESMTP mailkit"
	assert_line --regexp "^250 2.0.0 ok: queued as "
	[ "$(queued)" -eq 2 ]
	run "$BATS_TEST_TMPDIR/sendmail" -bx
	[ "$status" -eq 64 ]
	assert_output --partial "usage: "
}

@test "-h, -V and unknown options" {
	run mail-submit -h
	[ "$status" -eq 0 ]
	[[ "$output" == "usage: mail-submit [-r ROOT]"* ]]
	run mail-submit -V
	assert_success
	assert_output --regexp "^mail-submit mailkit [0-9.]+$"
	run mail-submit -bs -S extra
	[ "$status" -eq 64 ]
}

@test "sendmail -bp lists the queue as mail-queue list does" {
	printf 'Subject: x\n\nx\n' | mail-submit -f a@remote.test bob@example.test
	run mail-submit -bp
	assert_success
	assert_output --partial "a@remote.test"
	echo "$output" >"$BATS_TEST_TMPDIR/bp"
	mail-queue list >"$BATS_TEST_TMPDIR/list"
	same_listing "$BATS_TEST_TMPDIR/list" "$BATS_TEST_TMPDIR/bp"
}

@test "-f <> queues with the null sender; a bad -f is a usage error" {
	printf 'Subject: x\n\nx\n' | mail-submit -f '<>' bob@example.test
	run qenv
	assert_line "sender	"
	run mail-submit -f 'a b@@x' bob@example.test <<<"x"
	[ "$status" -eq 64 ]
	assert_output --regexp "^mail-submit: bad sender address: "
}

@test "the content filter refuses for good: exit 65 with its reason, nothing queued" {
	printf '#!/bin/sh\ncat >/dev/null\necho "virus found" >&2\nexit 1\n' >"$ROOT/f.sh"
	chmod +x "$ROOT/f.sh"
	echo "$ROOT/f.sh" >"$ROOT/etc/filter"
	mkdir -p "$Q"
	run mail-submit bob@example.test <<<"x"
	[ "$status" -eq 65 ]
	assert_output "mail-submit: virus found"
	[ "$(queued)" -eq 0 ]
}
