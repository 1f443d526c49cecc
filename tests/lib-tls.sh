# lib-tls.sh: certificates and keys for the TLS end-to-end tests, made
# with the openssl command alone; sourced after lib.sh. One private CA
# signs the servers' certificates; the clients' are self-signed, as a
# client certificate proves only its key. EC P-256 keys, so that a test
# makes the whole set in well under two seconds.

# need_openssl: skip, saying so, on a host without the openssl command.
need_openssl() {
	command -v openssl >/dev/null 2>&1 ||
		skip "the openssl command is not installed (Debian: apt-get install openssl); the TLS tests make their certificates with it"
}

# The config every openssl command here reads, instead of the system's:
# the extensions of each kind of certificate, and a CA for "openssl ca",
# the one way OpenSSL 3.0 signs a certificate dated in the past.
_tls_config() {
	cat <<'CNF'
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
[ ca_ext ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ server_ext ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ localhost_ext ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
[ client_ext ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
[ ca ]
default_ca = test_ca
[ test_ca ]
database = ca.index
new_certs_dir = ca.issued
serial = ca.serial
certificate = ca.crt
private_key = ca.key
default_md = sha256
policy = any_name
unique_subject = no
email_in_dn = no
[ any_name ]
commonName = supplied
CNF
}

# _tls_req NAME CN EXT KEY [ARGS...]: NAME.key, a new KEY ("ec" for
# P-256, or "rsa:2048"), and NAME.crt for CN with the extensions of
# section EXT, self-signed unless ARGS say otherwise; in the current
# directory.
_tls_req() {
	_name=$1 _cn=$2 _ext=$3 _key=$4
	shift 4
	if [ "$_key" = ec ]; then
		set -- -newkey ec -pkeyopt ec_paramgen_curve:P-256 "$@"
	else
		set -- -newkey "$_key" "$@"
	fi
	openssl req -config tls.cnf -x509 -noenc -keyout "$_name.key" \
	    -out "$_name.crt" -subj "/CN=$_cn" -extensions "$_ext" -days 30 \
	    -sha256 "$@" 2>>openssl.log
}

# _tls_signed NAME CN EXT KEY SERIAL [ARGS...]: the same, signed by the CA.
_tls_signed() {
	_name=$1 _cn=$2 _ext=$3 _key=$4 _serial=$5
	shift 5
	_tls_req "$_name" "$_cn" "$_ext" "$_key" -CA ca.crt -CAkey ca.key \
	    -set_serial "$_serial" "$@"
}

# tls_certs DIR: make DIR (if need be) and in it, keys mode 0600:
#   ca.crt, ca.key           a private CA, the one to give --tls-ca
#   localhost.crt/.key       from the CA: CN localhost, DNS:localhost,
#                            IP:127.0.0.1 and IP:::1 (EC P-256)
#   localhost-rsa.crt/.key   the same names, an RSA 2048 key
#   localhost2.crt/.key      the same names, another key: "the server's
#                            key changed"
#   other.crt/.key           from the CA, DNS:other.example only
#   expired.crt/.key         from the CA, localhost's names, valid only
#                            in January 2020
#   selfsigned.crt/.key      localhost's names, signed by its own key
#   alice.crt/.key, bob.crt/.key   clients' self-signed certificates
# Fails the test, with openssl's words, if any of it cannot be made.
tls_certs() {
	mkdir -p "$1" || fail "tls_certs: cannot make $1"
	(
		cd "$1" || exit 1
		umask 077
		_tls_config >tls.cnf && : >openssl.log &&
		_tls_req ca 'tschat test CA' ca_ext ec -days 3650 &&
		_tls_signed localhost localhost localhost_ext ec 2 &&
		_tls_signed localhost-rsa localhost localhost_ext rsa:2048 3 &&
		_tls_signed localhost2 localhost localhost_ext ec 4 &&
		_tls_signed other other.example server_ext ec 5 \
		    -addext 'subjectAltName = DNS:other.example' &&
		_tls_req selfsigned localhost localhost_ext ec &&
		_tls_req alice alice client_ext ec &&
		_tls_req bob bob client_ext ec &&
		# "openssl ca" keeps a database and a serial; dates in the past.
		mkdir ca.issued && : >ca.index && echo 10 >ca.serial &&
		openssl req -config tls.cnf -new -newkey ec \
		    -pkeyopt ec_paramgen_curve:P-256 -noenc \
		    -keyout expired.key -out expired.csr -subj /CN=localhost \
		    2>>openssl.log &&
		openssl ca -config tls.cnf -batch -notext -in expired.csr \
		    -out expired.crt -extensions localhost_ext \
		    -startdate 200101000000Z -enddate 200201000000Z \
		    >>openssl.log 2>&1 &&
		chmod 644 ./*.crt
	) || fail "tls_certs: openssl could not make the certificates in $1: $(tail -n 5 "$1/openssl.log" 2>/dev/null)"
}

# tls_pin FILE.crt: the pin of the certificate's key, as tschatd logs it
# and --tls-pin takes it: sha256: and the base64 of the SHA-256 of its
# SubjectPublicKeyInfo (DER). Run in $(...), a failure says why and the
# status is 1: PIN=$(tls_pin "$T/certs/localhost.crt") || exit 1
tls_pin() {
	if ! openssl x509 -in "$1" -noout -pubkey 2>"$T/tls_pin.err" |
	    openssl pkey -pubin -outform DER -out "$T/tls_pin.der" \
	    2>>"$T/tls_pin.err" || [ ! -s "$T/tls_pin.der" ]; then
		fail "tls_pin: no key in $1: $(head -n 1 "$T/tls_pin.err")"
	fi
	_pin=$(openssl dgst -sha256 -binary "$T/tls_pin.der" |
	    openssl base64 -A)
	rm -f "$T/tls_pin.der" "$T/tls_pin.err"
	[ ${#_pin} -eq 44 ] || fail "tls_pin: no digest of the key of $1"
	printf 'sha256:%s\n' "$_pin"
}
