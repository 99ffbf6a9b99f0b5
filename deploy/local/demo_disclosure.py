"""Waits until a running huiyin-disclosure has prepared the records of the demo's issued answers
(from the feeds of intake and workflow), publishes as the government office any record still
waiting for review (only when disclosure.review_before_publish is set: by default answers are
published as soon as they are issued, redacted), and prints what the public can now read.

    /usr/bin/python3 deploy/local/demo_disclosure.py --address 127.0.0.1:7105 --credential SECRET

Running it again changes nothing: only records still waiting are published.
"""

import argparse
import os
import pathlib
import sys
import time

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import huiyin_client  # noqa: E402

TIMEOUT = 10


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--address", required=True, help="disclosure gRPC address, HOST:PORT")
    parser.add_argument("--credential", required=True, help="the internal credential")
    parser.add_argument("--stub-dir", default=os.environ.get(
        "HUIYIN_STUB_DIR", str(huiyin_client.REPO_ROOT / "build" / "python_stubs")))
    args = parser.parse_args(argv)
    huiyin_client.use_stubs(pathlib.Path(args.stub_dir))
    from huiyin.disclosure.v1 import disclosure_pb2 as pb
    from huiyin.disclosure.v1 import disclosure_pb2_grpc

    office = huiyin_client.caller_metadata("persons/p-9301", "ROLE_GOVERNMENT_OFFICE",
                                           args.credential, display_name="县政府办公室")
    with huiyin_client.channel(args.address) as channel:
        grpc.channel_ready_future(channel).result(timeout=TIMEOUT)
        stub = disclosure_pb2_grpc.DisclosureServiceStub(channel)

        def records():
            out, token = [], ""
            while True:
                page = stub.ListDisclosures(pb.ListDisclosuresRequest(page_size=500,
                                                                      page_token=token),
                                            metadata=office, timeout=TIMEOUT)
                out.extend(page.disclosures)
                token = page.next_page_token
                if not token:
                    return out

        found, previous, deadline = [], -1, time.monotonic() + 20
        while time.monotonic() < deadline:  # until disclosure has caught up with the feeds
            found = records()
            if found and len(found) == previous:
                break
            previous = len(found)
            time.sleep(1)
        published = 0
        for record in found:
            if record.state == pb.DISCLOSURE_STATE_PENDING_REVIEW or record.changes_pending:
                if record.state in (pb.DISCLOSURE_STATE_WITHHELD, pb.DISCLOSURE_STATE_RETRACTED):
                    continue
                stub.PublishDisclosure(pb.PublishDisclosureRequest(name=record.name,
                                                                   etag=record.etag),
                                       metadata=office, timeout=TIMEOUT)
                published += 1
        public = stub.ListPublicDisclosures(pb.ListPublicDisclosuresRequest(page_size=100),
                                            timeout=TIMEOUT)
        print(f"disclosure demo: {len(found)} records prepared, {published} published now after "
              f"review, {len(public.disclosures)} public")
        for record in public.disclosures[:3]:
            print(f"  {record.number_label} {record.title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
