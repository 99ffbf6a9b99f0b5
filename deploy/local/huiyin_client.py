"""Talking to Huiyin services from Python: stubs, caller metadata, error details, port files.

Used by the demo data loader (deploy/local/demo_data.py) and the integration tests that drive the
real binaries (tests/python/). Needs only Debian's python3-grpcio and python3-protobuf (3.21) and
the protobuf tools (/usr/bin/protoc, /usr/bin/grpc_python_plugin); run it with /usr/bin/python3.

    import huiyin_client
    huiyin_client.use_stubs("/tmp/stubs")          # generate (if stale) and put on sys.path
    from huiyin.intake.v1 import intake_pb2, intake_pb2_grpc

    ports = huiyin_client.wait_for_port_file("var/intake.ports", timeout=10)
    channel = huiyin_client.channel(f"127.0.0.1:{ports['grpc']}")   # plain, or mutual TLS
    intake = intake_pb2_grpc.IntakeServiceStub(channel)
    office = huiyin_client.caller_metadata("persons/p-9001", "ROLE_CONGRESS_OFFICE", credential)
    try:
        intake.SubmitItem(request, metadata=office, timeout=5)
    except grpc.RpcError as e:
        print(e.code(), huiyin_client.field_violations(e))

With mutual TLS on (README "Transport security"), channel() presents a client certificate: the
files named by HUIYIN_TLS_CA_FILE, HUIYIN_TLS_CERT_CHAIN_FILE and HUIYIN_TLS_PRIVATE_KEY_FILE
(the variables the binaries read), or a TlsFiles given to it. Only a certificate named in the
services' tls.allowed_peer_names may send the internal credential.

Generated modules keep their proto paths (huiyin.intake.v1.intake_pb2, google.rpc.status_pb2)
with one exception: grpc/health/v1/health.proto is generated as grpc_health.v1.health_pb2 (the
layout of PyPI's grpcio-health-checking), because `grpc` is grpcio's own regular package and a
generated grpc/health/ beside it could never be imported. There is deliberately no
google/__init__.py: `google` stays a namespace package, so Debian's google.protobuf and the
generated google.api / google.rpc import side by side.
"""

import collections
import fcntl
import os
import pathlib
import shutil
import subprocess
import sys
import time

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
PROTO_ROOT = REPO_ROOT / "proto"
GOOGLEAPIS_ROOT = pathlib.Path("/usr/share/gocode/src/github.com/gogo/googleapis")
GRPC_PROTO_ROOT = pathlib.Path("/usr/share/grpc-proto")
PROTOBUF_INCLUDE = pathlib.Path("/usr/include")
PROTOC = "/usr/bin/protoc"
GRPC_PYTHON_PLUGIN = "/usr/bin/grpc_python_plugin"

GOOGLEAPIS_PROTOS = [
    "google/api/http.proto",
    "google/api/annotations.proto",
    "google/rpc/status.proto",
    "google/rpc/error_details.proto",
    "google/rpc/code.proto",
]
HEALTH_PROTO = "grpc/health/v1/health.proto"
# Where health.proto is staged (inside the output directory) so that it generates grpc_health.v1.
HEALTH_STAGED = "grpc_health/v1/health.proto"

CREDENTIAL_KEY = "x-huiyin-internal-credential"
CALLER_KEY = "x-huiyin-caller-bin"
STATUS_DETAILS_KEY = "grpc-status-details-bin"

_STAMP = ".huiyin_stubs_stamp"
_STAGING = "_proto_staging"


def _huiyin_protos():
    protos = PROTO_ROOT.glob("huiyin/**/*.proto")
    return sorted(p.relative_to(PROTO_ROOT).as_posix() for p in protos)


def _inputs():
    """Every file the stubs depend on, including this module (its recipe)."""
    files = [PROTO_ROOT / p for p in _huiyin_protos()]
    files += [GOOGLEAPIS_ROOT / p for p in GOOGLEAPIS_PROTOS]
    files.append(GRPC_PROTO_ROOT / HEALTH_PROTO)
    files.append(pathlib.Path(__file__).resolve())
    return files


def _up_to_date(out_dir, inputs):
    stamp = out_dir / _STAMP
    try:
        recorded = stamp.read_text(encoding="utf-8")
        stamp_time = stamp.stat().st_mtime
    except OSError:
        return False
    listing = "\n".join(str(f) for f in inputs)
    if recorded != listing:  # a proto was added or removed
        return False
    return all(f.stat().st_mtime <= stamp_time for f in inputs)


def _add_init_files(out_dir):
    """Makes every generated directory a package, except the namespace package `google`."""
    for directory in sorted({p.parent for p in out_dir.rglob("*_pb2.py")}):
        while directory != out_dir:
            if directory != out_dir / "google":
                (directory / "__init__.py").touch(exist_ok=True)
            directory = directory.parent


def generate_stubs(out_dir):
    """Generates the Python modules of every Huiyin proto (and the google/grpc protos they use)
    into out_dir, unless they are newer than their inputs. Safe to call from several processes at
    once. Returns out_dir."""
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    inputs = _inputs()
    with open(out / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _up_to_date(out, inputs):
            return out_dir
        staging = out / _STAGING
        shutil.rmtree(staging, ignore_errors=True)
        (staging / HEALTH_STAGED).parent.mkdir(parents=True)
        shutil.copyfile(GRPC_PROTO_ROOT / HEALTH_PROTO, staging / HEALTH_STAGED)
        command = [
            PROTOC,
            f"--plugin=protoc-gen-grpc_python={GRPC_PYTHON_PLUGIN}",
            f"--python_out={out}",
            f"--grpc_python_out={out}",
            f"--proto_path={PROTO_ROOT}",
            f"--proto_path={GOOGLEAPIS_ROOT}",
            f"--proto_path={GRPC_PROTO_ROOT}",
            f"--proto_path={PROTOBUF_INCLUDE}",
            f"--proto_path={staging}",
            *_huiyin_protos(),
            *GOOGLEAPIS_PROTOS,
            HEALTH_STAGED,
        ]
        result = subprocess.run(command, capture_output=True, text=True)
        shutil.rmtree(staging, ignore_errors=True)
        if result.returncode != 0:
            raise RuntimeError(f"protoc failed ({result.returncode}):\n{result.stderr}")
        _add_init_files(out)
        # Written last: a failed or interrupted run leaves no stamp and is redone next time.
        (out / _STAMP).write_text("\n".join(str(f) for f in inputs), encoding="utf-8")
    return out_dir


def use_stubs(out_dir):
    """generate_stubs(out_dir), then puts out_dir first on sys.path. Returns out_dir."""
    generate_stubs(out_dir)
    path = str(pathlib.Path(out_dir).resolve())
    if path not in sys.path:
        sys.path.insert(0, path)
    return out_dir


TlsFiles = collections.namedtuple("TlsFiles", "ca_file cert_chain_file private_key_file")


def tls_files_from_env(environ=None):
    """TlsFiles from the binaries' own variables (HUIYIN_TLS_CA_FILE, _CERT_CHAIN_FILE,
    _PRIVATE_KEY_FILE), or None when HUIYIN_TLS_CERT_CHAIN_FILE is not set (plain text)."""
    environ = os.environ if environ is None else environ
    if not environ.get("HUIYIN_TLS_CERT_CHAIN_FILE"):
        return None
    return TlsFiles(environ.get("HUIYIN_TLS_CA_FILE", ""), environ["HUIYIN_TLS_CERT_CHAIN_FILE"],
                    environ.get("HUIYIN_TLS_PRIVATE_KEY_FILE", ""))


def channel_credentials(tls):
    """grpc.ChannelCredentials of mutual TLS from TlsFiles: the CA that verifies the server, and
    this client's certificate chain and key."""
    import grpc

    def read(path):
        with open(path, "rb") as f:
            return f.read()

    return grpc.ssl_channel_credentials(root_certificates=read(tls.ca_file),
                                        private_key=read(tls.private_key_file),
                                        certificate_chain=read(tls.cert_chain_file))


def channel(address, tls=None, options=()):
    """A channel to a Huiyin service at `address`: mutual TLS with `tls` (TlsFiles; by default
    tls_files_from_env()), plain text without. Never through an HTTP proxy."""
    import grpc

    tls = tls if tls is not None else tls_files_from_env()
    options = [("grpc.enable_http_proxy", 0), *options]
    if tls is None:
        return grpc.insecure_channel(address, options=options)
    return grpc.secure_channel(address, channel_credentials(tls), options=options)


def caller_metadata(principal, role_name, credential, unit="", display_name=""):
    """Metadata making a call on behalf of a caller, e.g.
    caller_metadata("persons/p-1024", "ROLE_PROPOSER", secret, display_name="王建国").
    role_name is a huiyin.common.v1.Role name (or number). With credential None only the caller
    is sent, which the service ignores (the caller is then the public)."""
    from huiyin.common.v1 import identity_pb2

    role = identity_pb2.Role.Value(role_name) if isinstance(role_name, str) else int(role_name)
    caller = identity_pb2.Caller(principal=principal, role=role, unit=unit,
                                 display_name=display_name)
    metadata = [(CALLER_KEY, caller.SerializeToString())]
    if credential is not None:
        metadata.insert(0, (CREDENTIAL_KEY, credential))
    return metadata


def _status_details(rpc_error):
    from google.rpc import status_pb2

    for key, value in rpc_error.trailing_metadata() or ():
        if key == STATUS_DETAILS_KEY:
            return status_pb2.Status.FromString(value)
    return None


def field_violations(rpc_error):
    """[(field, description)] of the google.rpc.BadRequest in an error's status details."""
    from google.rpc import error_details_pb2

    status = _status_details(rpc_error)
    out = []
    for detail in status.details if status else ():
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
            out.extend((v.field, v.description) for v in bad_request.field_violations)
    return out


def error_info(rpc_error):
    """(reason, metadata dict) of the google.rpc.ErrorInfo in an error, or ("", {})."""
    from google.rpc import error_details_pb2

    status = _status_details(rpc_error)
    for detail in status.details if status else ():
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info.reason, dict(info.metadata)
    return "", {}


def wait_for_port_file(path, timeout, process=None):
    """Waits until a binary has written its --server.port_file ("grpc=PORT admin=PORT") and
    returns {"grpc": PORT, "admin": PORT}. The file appears whole (the binary renames it into
    place). Gives up early when `process` (a subprocess.Popen) has exited."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(path, encoding="ascii") as f:
                fields = dict(part.split("=", 1) for part in f.read().split())
            return {name: int(port) for name, port in fields.items()}
        except FileNotFoundError:
            pass
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before writing {path}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} did not appear within {timeout} s")
        time.sleep(0.01)


def _check_imports(out_dir):
    """Self-check: the generated packages and Debian's google.protobuf import together."""
    use_stubs(out_dir)
    import google.protobuf  # noqa: F401  (must still be Debian's)
    from google.api import annotations_pb2  # noqa: F401
    from google.rpc import error_details_pb2, status_pb2  # noqa: F401
    from grpc_health.v1 import health_pb2_grpc  # noqa: F401
    from huiyin.intake.v1 import intake_pb2, intake_pb2_grpc  # noqa: F401
    from huiyin.events.v1 import events_pb2_grpc  # noqa: F401
    print(f"stubs in {out_dir}; google.protobuf from {google.protobuf.__path__[0]}")


if __name__ == "__main__":
    _check_imports(sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO_ROOT, "build",
                                                                      "python_stubs"))
