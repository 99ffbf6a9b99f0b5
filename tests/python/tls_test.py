"""Transport security over the real processes (README "Transport security"): the six binaries
with TLS on, certificates made by the test (tests/python/pki.py), and what must hold —

- HTTPS through the gateway end to end (verified against its CA), TLS 1.2 and 1.3 only, no plain
  HTTP on that port;
- mutual TLS between the services: the item travels intake → assignment → workflow and into
  supervision's ledger over their feeds;
- a gRPC client with no certificate, a certificate of another CA, an expired one, or no TLS at
  all, is refused at the handshake; one with a CA-signed certificate not named in
  tls.allowed_peer_names is refused (PERMISSION_DENIED) as soon as it presents the internal
  credential, on every service; Python's grpcio with a service certificate works;
- with tls.https_client_ca_file, only HTTPS clients with a certificate of that CA are served;
- a half-set TLS section stops a binary at start (exit 2) naming the field.

    cd tests/python && /usr/bin/python3 -m unittest -v tls_test
(binaries from HUIYIN_*_BIN, as for gateway_e2e_test).
"""

import http.client
import os
import pathlib
import shutil
import ssl
import subprocess
import tempfile
import unittest
import warnings

import grpc

from gateway_e2e_test import (CALL_TIMEOUT, GATEWAY_BIN, INTAKE_BIN, GatewayStack,
                              GatewayTestCase, Process, suggestion)
import huiyin_client  # noqa: E402  (deploy/local, put on the path by gateway_e2e_test)
import pki

SESSION = "县第十八届人民代表大会第七次会议"
OFFICE = ("persons/gov-t1", "ROLE_GOVERNMENT_OFFICE", "县政府办公室 钱峰")
CONGRESS = ("persons/cong-t1", "ROLE_CONGRESS_OFFICE", "县人大选联工委 孙敏")
SUPERVISION = ("persons/sup-t1", "ROLE_SUPERVISION_OFFICE", "县政府督查室 周敏")
UNIT = "units/water-t"
CLERK = "persons/wt-clerk"
MA = {"person": "persons/p-7101", "name": "马秀兰", "group": "河口镇代表团"}
SERVICES = ("intake", "assignment", "workflow", "supervision", "disclosure")

# Set by setUpModule once the stubs are generated.
STUB_DIR = None
health_pb2 = health_grpc = intake_pb2 = intake_grpc = None


def setUpModule():
    global STUB_DIR, health_pb2, health_grpc, intake_pb2, intake_grpc
    STUB_DIR = os.environ.get("HUIYIN_STUB_DIR") or tempfile.mkdtemp(prefix="huiyin-stubs-")
    huiyin_client.use_stubs(STUB_DIR)
    from grpc_health.v1 import health_pb2, health_pb2_grpc as health_grpc
    from huiyin.intake.v1 import intake_pb2, intake_pb2_grpc as intake_grpc


def tearDownModule():
    if not os.environ.get("HUIYIN_STUB_DIR"):
        shutil.rmtree(STUB_DIR, ignore_errors=True)


class TransportSecurityTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        stack = cls.start_stack(GatewayStack(tls=True))
        cls.office = stack.token(*OFFICE)
        cls.congress = stack.token(*CONGRESS)
        cls.clerk = stack.token(CLERK, "ROLE_UNIT_CLERK", name="孙浩", unit=UNIT)
        cls.other_ca = pki.Authority(stack.workdir / "pki", "other")
        # A system of the same government: its certificate is from Huiyin's CA, but it is not
        # one of the six processes.
        cls.oa = stack.ca.issue("oa.example.gov.cn", ["oa.example.gov.cn"])

    # ---- gRPC straight to a service ----
    def address(self, service):
        return f"127.0.0.1:{getattr(self.stack, service + '_ports')['grpc']}"

    def health(self, channel, metadata=None):
        """Health/Check on `channel`: the status code it ends with."""
        with channel:
            try:
                health_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(),
                                                      metadata=metadata, timeout=CALL_TIMEOUT)
                return grpc.StatusCode.OK
            except grpc.RpcError as e:
                return e.code()

    def office_metadata(self):
        return huiyin_client.caller_metadata("persons/cong-t1", "ROLE_CONGRESS_OFFICE",
                                             self.stack.credential, display_name="孙敏")

    def tls_channel(self, service, cert, key, ca_file=None):
        files = huiyin_client.TlsFiles(ca_file or self.stack.ca.ca_file, cert, key)
        return huiyin_client.channel(self.address(service), tls=files)

    def test_an_item_goes_through_https_and_every_service_over_mutual_tls(self):
        self.stack.create_unit(UNIT, "县水利局", "农业农村", [
            (CLERK, "孙浩", "MEMBER_ROLE_CLERK", "农水股")], self.office)
        item = self.stack.accepted_item(suggestion(
            SESSION, "关于整修东干渠灌溉设施的建议",
            "东干渠多处渠段渗漏，下游三个村春灌用水困难。建议安排资金整修渠道、更换闸门。",
            lead=MA, category="农业农村"), self.congress)
        read = self.call("GET", f"/v1/{item}", token=self.congress)
        self.assertEqual(read.status, 200, read)
        self.assertEqual(read.json()["title"], "关于整修东干渠灌溉设施的建议")
        # intake → assignment → workflow, each following the one before over mutual TLS.
        task = self.stack.assigned_task(item, UNIT, self.office, self.clerk)
        self.assertEqual(task["unit"], UNIT)
        # … and intake, assignment, workflow → supervision's ledger.
        supervision = self.stack.token(*SUPERVISION)
        entry = self.stack.wait_for(lambda: (lambda r: r.status == 200 and r.json().get("units")
                                             and r.json())(self.call(
            "GET", f"/v1/ledger/{item.split('/')[1]}", token=supervision)))
        self.assertEqual(entry["units"][0]["unit"], UNIT)

    def test_https_speaks_tls_1_3_and_1_2_only(self):
        conn = self.stack.connect()
        conn.request("GET", "/healthz")
        self.assertEqual(conn.getresponse().status, 200)
        self.assertEqual(conn.sock.version(), "TLSv1.3")
        conn.close()
        tls12 = self.stack.https_context()
        tls12.maximum_version = ssl.TLSVersion.TLSv1_2
        conn = http.client.HTTPSConnection("127.0.0.1", self.stack.port, timeout=CALL_TIMEOUT,
                                           context=tls12)
        conn.request("GET", "/healthz")
        self.assertEqual(conn.getresponse().status, 200)
        self.assertEqual(conn.sock.version(), "TLSv1.2")
        conn.close()
        tls11 = self.stack.https_context()
        tls11.set_ciphers("DEFAULT:@SECLEVEL=0")  # the client would try; the gateway must refuse
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            tls11.minimum_version = tls11.maximum_version = ssl.TLSVersion.TLSv1_1
        conn = http.client.HTTPSConnection("127.0.0.1", self.stack.port, timeout=CALL_TIMEOUT,
                                           context=tls11)
        with self.assertRaises(ssl.SSLError):
            conn.request("GET", "/healthz")
        conn.close()

    def test_plain_http_to_the_https_port_fails(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.stack.port, timeout=CALL_TIMEOUT)
        with self.assertRaises((OSError, http.client.HTTPException)):
            conn.request("GET", "/healthz")
            conn.getresponse().read()
        conn.close()

    def test_grpcio_with_a_service_certificate_and_the_credential_works(self):
        item = self.stack.accepted_item(suggestion(
            SESSION, "关于在城东新建公共停车场的建议",
            "城东老街区停车难，车辆占道严重。建议利用闲置地块建设公共停车场。", lead=MA),
            self.congress)
        with huiyin_client.channel(self.address("intake"),
                                   tls=self.stack.tls_files("gateway")) as channel:
            got = intake_grpc.IntakeServiceStub(channel).GetItem(
                intake_pb2.GetItemRequest(name=item), metadata=self.office_metadata(),
                timeout=CALL_TIMEOUT)
        self.assertEqual(got.title, "关于在城东新建公共停车场的建议")

    def test_a_client_without_a_certificate_is_refused(self):
        with open(self.stack.ca.ca_file, "rb") as f:
            only_the_ca = grpc.ssl_channel_credentials(root_certificates=f.read())
        channel = grpc.secure_channel(self.address("intake"), only_the_ca,
                                      options=[("grpc.enable_http_proxy", 0)])
        self.assertEqual(self.health(channel), grpc.StatusCode.UNAVAILABLE)

    def test_a_certificate_of_another_ca_is_refused(self):
        stranger = self.other_ca.issue("gateway", ["gateway"])
        channel = self.tls_channel("intake", stranger.cert_file, stranger.key_file)
        self.assertEqual(self.health(channel, self.office_metadata()),
                         grpc.StatusCode.UNAVAILABLE)

    def test_an_expired_certificate_is_refused(self):
        stale = self.stack.ca.issue("gateway", ["gateway"], not_before=-48 * pki.HOUR,
                                    not_after=-24 * pki.HOUR)
        channel = self.tls_channel("intake", stale.cert_file, stale.key_file)
        self.assertEqual(self.health(channel, self.office_metadata()),
                         grpc.StatusCode.UNAVAILABLE)

    def test_plain_text_grpc_is_refused(self):
        channel = grpc.insecure_channel(self.address("intake"),
                                        options=[("grpc.enable_http_proxy", 0)])
        self.assertEqual(self.health(channel), grpc.StatusCode.UNAVAILABLE)

    def test_a_certificate_not_allowed_cannot_use_the_internal_credential_anywhere(self):
        for service in SERVICES:
            with self.subTest(service=service):
                channel = self.tls_channel(service, self.oa.cert_file, self.oa.key_file)
                self.assertEqual(self.health(channel, self.office_metadata()),
                                 grpc.StatusCode.PERMISSION_DENIED)
                # Without the credential it is served, as the public.
                channel = self.tls_channel(service, self.oa.cert_file, self.oa.key_file)
                self.assertEqual(self.health(channel), grpc.StatusCode.OK)
        # A service's own certificate carries it everywhere.
        for service in SERVICES:
            with self.subTest(service=service, peer="supervision"):
                files = self.stack.tls_files("supervision")
                channel = huiyin_client.channel(self.address(service), tls=files)
                self.assertEqual(self.health(channel, self.office_metadata()),
                                 grpc.StatusCode.OK)

    def test_a_certificate_not_allowed_cannot_act_for_a_person(self):
        channel = self.tls_channel("intake", self.oa.cert_file, self.oa.key_file)
        with channel:
            with self.assertRaises(grpc.RpcError) as refused:
                intake_grpc.IntakeServiceStub(channel).ListItems(
                    intake_pb2.ListItemsRequest(page_size=1), metadata=self.office_metadata(),
                    timeout=CALL_TIMEOUT)
        self.assertEqual(refused.exception.code(), grpc.StatusCode.PERMISSION_DENIED)
        self.assertIn("oa.example.gov.cn", refused.exception.details())


class HttpsClientCertificateTest(unittest.TestCase):
    """tls.https_client_ca_file: the gateway serves only HTTPS clients with a certificate of that
    CA (e.g. the load balancer in front of it)."""

    @classmethod
    def setUpClass(cls):
        cls.workdir = pathlib.Path(tempfile.mkdtemp(prefix="huiyin-https-client-"))
        cls.public_ca = pki.Authority(cls.workdir / "pki", "public")
        cls.clients_ca = pki.Authority(cls.workdir / "pki", "clients")
        https = cls.public_ca.issue("huiyin.example.gov.cn", ["huiyin.example.gov.cn"])
        port_file = cls.workdir / "gateway.ports"
        cls.gateway = Process(
            [GATEWAY_BIN, "--gateway.http_address=127.0.0.1:0", f"--server.port_file={port_file}",
             f"--tls.https_cert_chain_file={https.cert_file}",
             f"--tls.https_private_key_file={https.key_file}",
             f"--tls.https_client_ca_file={cls.clients_ca.ca_file}"],
            os.environ, cls.workdir / "gateway.log")
        cls.port = huiyin_client.wait_for_port_file(port_file, 10, cls.gateway.popen)["http"]

    @classmethod
    def tearDownClass(cls):
        cls.gateway.kill()
        shutil.rmtree(cls.workdir, ignore_errors=True)

    def healthz(self, client=None):
        context = ssl.create_default_context(cafile=self.public_ca.ca_file)
        if client is not None:
            context.load_cert_chain(client.cert_file, client.key_file)
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=CALL_TIMEOUT,
                                           context=context)
        try:
            conn.request("GET", "/healthz")
            return conn.getresponse().status
        finally:
            conn.close()

    def test_a_client_with_a_certificate_of_the_ca_is_served(self):
        self.assertEqual(self.healthz(self.clients_ca.issue("lb", ["lb.example.gov.cn"])), 200)

    def test_a_client_without_a_certificate_is_refused(self):
        with self.assertRaises((ssl.SSLError, OSError)):
            self.healthz()

    def test_a_client_with_a_certificate_of_another_ca_is_refused(self):
        with self.assertRaises((ssl.SSLError, OSError)):
            self.healthz(self.public_ca.issue("lb", ["lb.example.gov.cn"]))


class HalfSetTlsTest(unittest.TestCase):
    """A binary refuses to start on a TLS section it cannot use, naming the field (exit 2)."""

    @classmethod
    def setUpClass(cls):
        cls.workdir = tempfile.mkdtemp(prefix="huiyin-tls-config-")
        cls.ca = pki.Authority(os.path.join(cls.workdir, "pki"), "huiyin-internal")
        cls.intake = cls.ca.issue("intake", ["intake"])
        cls.gateway = cls.ca.issue("gateway", ["gateway"])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.workdir, ignore_errors=True)

    def start(self, binary, *flags):
        result = subprocess.run(
            [binary, "--server.grpc_address=127.0.0.1:0", "--server.admin_address=127.0.0.1:0",
             "--gateway.http_address=127.0.0.1:0",
             f"--server.database_path={os.path.join(self.workdir, 'intake.db')}", *flags],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
        return result.returncode, result.stderr

    def test_a_certificate_without_its_key(self):
        code, stderr = self.start(INTAKE_BIN, f"--tls.cert_chain_file={self.intake.cert_file}",
                                  f"--tls.ca_file={self.ca.ca_file}")
        self.assertEqual(code, 2, stderr)
        self.assertIn("tls.private_key_file: required with", stderr)

    def test_a_key_that_does_not_match(self):
        code, stderr = self.start(INTAKE_BIN, f"--tls.cert_chain_file={self.intake.cert_file}",
                                  f"--tls.private_key_file={self.gateway.key_file}",
                                  f"--tls.ca_file={self.ca.ca_file}")
        self.assertEqual(code, 2, stderr)
        self.assertIn("tls.private_key_file: does not match the certificate", stderr)

    def test_a_missing_ca_file(self):
        missing = os.path.join(self.workdir, "no-such-ca.pem")
        code, stderr = self.start(INTAKE_BIN, f"--tls.cert_chain_file={self.intake.cert_file}",
                                  f"--tls.private_key_file={self.intake.key_file}",
                                  f"--tls.ca_file={missing}")
        self.assertEqual(code, 2, stderr)
        self.assertIn(f"tls.ca_file: cannot read {missing}", stderr)

    def test_https_without_its_key(self):
        code, stderr = self.start(GATEWAY_BIN,
                                  f"--tls.https_cert_chain_file={self.gateway.cert_file}")
        self.assertEqual(code, 2, stderr)
        self.assertIn("tls.https_private_key_file: required with", stderr)


if __name__ == "__main__":
    unittest.main()
