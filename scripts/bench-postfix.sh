# bench-postfix.sh, sourced by the bench scripts: a private Postfix on a
# loopback high port that accepts mail durably and defers every delivery,
# the anchor that mailkit is measured against.
#   P=DIR; PF_DOMAINS="a.test b.test"; start_postfix   -> PFPORT
#   stop_postfix
# Needs free_port and wait_port from the sourcing script.

start_postfix() {
	PFPORT=$(free_port)
	mkdir -p "$P/etc" "$P/spool" "$P/data"
	local d=$P
	while [ "$d" != / ]; do chmod a+x "$d"; d=$(dirname "$d"); done
	cp /etc/postfix/master.cf "$P/etc/"
	cp -r /etc/postfix/dynamicmaps.cf* "$P/etc/" 2>/dev/null || true
	sed -i "s/^smtp      inet .*/127.0.0.1:$PFPORT inet n - n - - smtpd/" \
		"$P/etc/master.cf"
	cat >"$P/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $P/spool
data_directory = $P/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.example.test
mydomain = example.test
mydestination = ${PF_DOMAINS:-example.test}
local_recipient_maps =
alias_maps =
alias_database =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
defer_transports = local, virtual, smtp, relay, lmtp, error
maillog_file = $P/maillog
maillog_file_prefixes = $P
smtp_dns_support_level = disabled
default_process_limit = 100
CF
	chown postfix "$P/data"
	postfix -c "$P/etc" set-permissions >/dev/null 2>&1 || true
	postfix -c "$P/etc" start >/dev/null 2>&1 </dev/null
	wait_port "$PFPORT"
}

stop_postfix() {
	[ -f "$P/etc/main.cf" ] && postfix -c "$P/etc" stop >/dev/null 2>&1 </dev/null || true
}

# Messages Postfix holds in its queue.
pf_count() {
	find "$P/spool/incoming" "$P/spool/active" "$P/spool/deferred" \
		"$P/spool/hold" -type f 2>/dev/null | wc -l
}
