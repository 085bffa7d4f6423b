#!/usr/bin/env bash
# Writes throwaway certificates for the MQTT/TLS tests into the directory given as $1:
#   ca.crt/ca.key              the test CA
#   other_ca.crt               an unrelated CA (the "wrong CA" the client may be given)
#   server.crt/server.key      for "localhost" (SAN DNS:localhost, IP:127.0.0.1), signed by ca
#   wrong_name.crt/.key        valid and signed by ca, but only for other.invalid
#   expired.crt/.key           for localhost, signed by ca, valid only in January 2020
#   client.crt/client.key      a client certificate signed by ca (mutual TLS)
# openssl 3.0 can't back-date with `x509 -req`, so the expired one is issued with `openssl ca`.
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

key ca.key
openssl req -x509 -new -key ca.key -out ca.crt -days 2 -subj "/CN=autograph test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
key other_ca.key
openssl req -x509 -new -key other_ca.key -out other_ca.crt -days 2 -subj "/CN=unrelated CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"

# issue <name> <CN> <subjectAltName> <extendedKeyUsage>
issue() {
  key "$1.key"
  openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$2"
  printf 'subjectAltName=%s\nextendedKeyUsage=%s\nbasicConstraints=CA:FALSE\n' "$3" "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
    -extfile "$1.ext" -out "$1.crt" 2>/dev/null
}
issue server localhost "DNS:localhost,IP:127.0.0.1" serverAuth
issue wrong_name other.invalid "DNS:other.invalid" serverAuth
issue client autograph-test-client "DNS:autograph-test-client" clientAuth

key expired.key
openssl req -new -key expired.key -out expired.csr -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -addext "extendedKeyUsage=serverAuth"
mkdir -p ca_db
: > ca_db/index.txt
echo 1000 > ca_db/serial
cat > ca_db/ca.cnf <<CNF
[ ca ]
default_ca = test_ca
[ test_ca ]
database = $dir/ca_db/index.txt
new_certs_dir = $dir/ca_db
serial = $dir/ca_db/serial
default_md = sha256
policy = policy_any
copy_extensions = copy
unique_subject = no
[ policy_any ]
commonName = supplied
CNF
openssl ca -batch -notext -config ca_db/ca.cnf -cert ca.crt -keyfile ca.key -in expired.csr \
  -out expired.crt -startdate 20200101000000Z -enddate 20200131000000Z 2>/dev/null
