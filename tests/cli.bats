#!/usr/bin/env bats
# What every program does the same way (DESIGN.md): -h prints the usage on
# standard output and exits 0; an unknown option is a usage error (64,
# usage on standard error, nothing on standard output); -V prints the
# version.

load lib
bats_require_minimum_version 1.5.0

PROGS="mail-bounce mail-deliver mail-pop3 mail-queue mail-relay mail-spamscore mail-submit mail-user"

@test "cli: -h prints the usage on stdout, once named, and exits 0" {
	for p in $PROGS; do
		run --separate-stderr "$p" -h
		[ "$status" -eq 0 ] || { echo "$p -h: $status"; false; }
		[[ "$output" == "usage: $p ["* ]] || { echo "$p: $output"; false; }
		[[ "$output" != *"$p $p"* ]]
		[ -z "$stderr" ]
	done
}

@test "cli: an unknown option exits 64 with the usage on stderr only" {
	for p in $PROGS; do
		run --separate-stderr "$p" -Z
		[ "$status" -eq 64 ] || { echo "$p -Z: $status"; false; }
		[ -z "$output" ]
		[[ "$stderr" == *"usage: $p ["* ]] || { echo "$p: $stderr"; false; }
	done
}

@test "cli: -V prints the program and the version" {
	for p in $PROGS; do
		run "$p" -V
		[ "$status" -eq 0 ]
		[[ "$output" == "$p mailkit "[0-9]* ]]
	done
}
