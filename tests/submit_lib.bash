# Helpers for the mail-submit Bats files (load after lib).
#
#   submit_root          mk_root plus accounts bob/alice, an alias, a short
#                        AUTH pause; $Q is the queue
#   smtp IN              pipes the printf-format dialogue IN (use \r\n)
#                        into mail-submit -bs; output with CRs removed in
#                        $output, status in $status (bats run)
#   queued               number of queued messages (envelopes)
#   qmess / qenv         contents of the only queued message / envelope
#   make_cert            self-signed certificate in $ROOT/etc/tls
#   start_smtpd [ENV..]  tcpserver on 127.0.0.1:$PORT running mail-submit -bs
#                        $SMTPD_FLAGS (e.g. -S); $TCPSERVER_OPTS (e.g. -x cdb)
#                        with the extra environment assignments given

submit_root() {
	mk_root
	Q="$ROOT/queue"
	add_user bob@example.test secret
	add_user alice@example.test wonder
	echo "info@example.test: bob@example.test, friend@remote.test" \
		>"$ROOT/etc/aliases"
	echo "sales@example.test: info@example.test" >>"$ROOT/etc/aliases"
	echo 10 >"$ROOT/etc/authpause"
}

smtp() {
	run bash -c 'printf "$1" | "$MAILKIT_BIN/mail-submit" -bs 2>"$BATS_TEST_TMPDIR/log" | tr -d "\r"' _ "$1"
}

queued() {
	find "$Q/env" -type f ! -name "*.msg" 2>/dev/null | wc -l
}

qmess() {
	cat "$Q"/env/*/*.msg | tr -d "\r"
}

qenv() {
	find "$Q/env" -type f ! -name "*.msg" -exec cat {} +
}

make_cert() {
	mkdir -p "$ROOT/etc/tls"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -subj /CN=mx.example.test -days 2 \
		-keyout "$ROOT/etc/tls/key.pem" -out "$ROOT/etc/tls/cert.pem" \
		2>/dev/null
}

start_smtpd() {
	PORT=$(free_port)
	start_bg smtpd tcpserver -q -H -R -l localhost ${TCPSERVER_OPTS:-} 127.0.0.1 "$PORT" \
		env MAILKIT_ROOT="$ROOT" "$@" "$MAILKIT_BIN/mail-submit" -bs ${SMTPD_FLAGS:-} \
		2>>"$BATS_TEST_TMPDIR/log"
	wait_port "$PORT"
}
