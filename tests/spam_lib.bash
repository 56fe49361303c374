# Helpers for tests/spamscore.bats: small generated training sets.
#
#   spam_msg N [EXTRA_HEADER]   a spam-like message on stdout (varies by N)
#   ham_msg N                   a ham-like message on stdout
#   spam_train_small            trains $ROOT/spam with 30 ham and 30 spam
#   maxrss FILE CMD...          runs CMD (stdin/stdout passed on), writes its
#                               peak RSS in KiB to FILE

spam_msg() {
	cat <<MSG
From: "Best Deals $1" <deals$1@cheap-pills.example>
To: victim@example.test
Subject: Cheap meds and viagra offer number $1
Date: Mon, 1 Jan 2024 10:00:00 +0000
Message-ID: <spam$1@cheap-pills.example>
MIME-Version: 1.0
Content-Type: text/html; charset=us-ascii
${2:-X-Extra: none}

<html><body><p>Buy cheap viagra now! Limited offer, act now.</p>
<a href="http://cheap-pills.example/buy?id=$1">Click here to order</a>
<p>Unsubscribe: lottery winner casino money guaranteed $1</p>
<p>Dear friend, congratulations! You have been selected to receive an
exclusive bonus prize. Claim your free gift card today, no credit check,
risk free, double your income from home, lose weight fast, refinance
your mortgage at the lowest rates, hot singles waiting, satisfaction
guaranteed or your money back. Order within minutes: special discount,
cheapest prices online, wholesale replica watches, instant approval,
million dollars, urgent reply needed, confidential business proposal,
bank transfer, beneficiary, inheritance, investment opportunity.</p>
</body></html>
MSG
}

ham_msg() {
	cat <<MSG
From: Alice Maintainer <alice@project.example>
To: dev-list@project.example
Subject: Re: patch $1 for the build system
Date: Mon, 1 Jan 2024 10:00:00 +0000
Message-ID: <ham$1@project.example>
List-Id: <dev.project.example>

Thanks for the patch $1.  I reviewed the makefile change and the
compiler warnings are gone now.  Could you also update the changelog
and rebase on the release branch before we merge it?

The regression suite passed on amd64 and arm64, but the cross build
for riscv still fails in the linker script: the symbol table section
overflows after your refactoring of the allocator.  Maybe split the
debug information, or keep the old alignment for that target only.
Documentation for the new configure option is missing as well; a short
paragraph in the manual page and an entry in the news file would do.
I will tag the release candidate on Thursday if the continuous
integration pipeline stays green until then.

-- 
Alice
MSG
}

spam_train_small() {
	local i d="$BATS_TEST_TMPDIR/trainset"
	mkdir -p "$d/ham" "$d/spam"
	for i in $(seq 1 30); do
		ham_msg "$i" >"$d/ham/$i"
		spam_msg "$i" >"$d/spam/$i"
	done
	mail-spamscore -t ham "$d/ham"
	mail-spamscore -t spam "$d/spam"
}

maxrss() {
	python3 -c '
import resource, subprocess, sys
r = subprocess.run(sys.argv[2:])
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(
    resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(r.returncode)' "$@"
}

# The message on stdin without X-Spam-* header fields (folded lines too).
strip_xspam() {
	awk 'BEGIN { h = 1 }
	h && /^$|^\r$/ { h = 0 }
	h && /^[ \t]/ { if (drop) next; print; next }
	h { drop = tolower($0) ~ /^x-spam-/ }
	h && drop { next }
	{ print }'
}
