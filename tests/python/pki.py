"""Certificates made at test time (Debian's python3-cryptography, P-256 keys, SHA-256): a CA and
the leaf certificates it issues, written as PEM files into a directory. For tests only.

    ca = pki.Authority(workdir / "pki", "Huiyin test")
    intake = ca.issue("intake", ["intake"])          # SAN DNS:intake, IP:127.0.0.1
    stale = ca.issue("old", ["gateway"], not_before=-48 * HOUR, not_after=-24 * HOUR)
    intake.cert_file, intake.key_file, ca.ca_file
"""

import collections
import datetime
import ipaddress
import pathlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HOUR = datetime.timedelta(hours=1)
KeyPair = collections.namedtuple("KeyPair", "cert_file key_file")


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


class Authority:
    """A CA whose certificate is `ca_file` in `directory`."""

    def __init__(self, directory, name):
        self.directory = pathlib.Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.name = name
        self._key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.timezone.utc)
        self._cert = (
            x509.CertificateBuilder()
            .subject_name(_name(f"{name} CA")).issuer_name(_name(f"{name} CA"))
            .public_key(self._key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - HOUR).not_valid_after(now + 24 * HOUR)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True, crl_sign=True,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self._key.public_key()),
                           critical=False)
            .sign(self._key, hashes.SHA256()))
        self.ca_file = str(self.directory / f"{name}-ca.pem")
        pathlib.Path(self.ca_file).write_bytes(self._cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, common_name, dns_names, not_before=-HOUR, not_after=24 * HOUR):
        """A certificate for serverAuth and clientAuth naming DNS:`dns_names` and IP:127.0.0.1,
        valid from now + not_before to now + not_after (timedeltas); its KeyPair of files."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.timezone.utc)
        sans = [x509.DNSName(n) for n in dns_names] + [
            x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name)).issuer_name(self._cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now + not_before).not_valid_after(now + not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                  ExtendedKeyUsageOID.CLIENT_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                self._key.public_key()), critical=False)
            .sign(self._key, hashes.SHA256()))
        stem = self.directory / f"{self.name}-{common_name}-{cert.serial_number:x}"[:200]
        cert_file, key_file = f"{stem}.pem", f"{stem}.key"
        pathlib.Path(cert_file).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        pathlib.Path(key_file).write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        return KeyPair(cert_file, key_file)
