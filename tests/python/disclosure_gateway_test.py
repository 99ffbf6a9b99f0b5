"""Disclosure (公开) through the HTTP gateway, over the real processes: an item submitted, accepted,
assigned, handled and answered with a phone number in the answer; huiyin-disclosure prepares and
publishes its record from the feeds; the public reads it with no login as JSON, HTML, Atom and
CSV, always redacted; the office routes need an office; and a headless Chromium (Debian's
chromium, driven by playwright-core from npm) searches the public list page in Chinese and opens
the detail page.

    cd tests/python && HUIYIN_PLAYWRIGHT_NODE_PATH=../../build/npm/node_modules \\
        /usr/bin/python3 -m unittest -v disclosure_gateway_test
(binaries from HUIYIN_*_BIN, as for gateway_e2e_test). Without HUIYIN_PLAYWRIGHT_NODE_PATH the
browser test is skipped (deploy/local/test.sh installs playwright-core and sets it).
"""

import json
import os
import pathlib
import shutil
import subprocess
import unittest
import urllib.parse

from gateway_e2e_test import GatewayTestCase, query

HERE = pathlib.Path(__file__).resolve().parent
BROWSER_SCRIPT = HERE.parents[0] / "browser" / "disclosure_search.mjs"
PLAYWRIGHT_NODE_PATH = os.environ.get("HUIYIN_PLAYWRIGHT_NODE_PATH", "")
CHROMIUM = os.environ.get("HUIYIN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"

SESSION = "县第十八届人民代表大会第七次会议"
OFFICE = ("persons/gov-d1", "ROLE_GOVERNMENT_OFFICE", "县政府办公室 钱峰")
CONGRESS = ("persons/cong-d1", "ROLE_CONGRESS_OFFICE", "县人大选联工委 孙敏")
SUPERVISION = ("persons/sup-d1", "ROLE_SUPERVISION_OFFICE", "县政府督查室 周红")
LEAD = "persons/p-7101"
LEAD_PHONE = "13807461234"
UNIT = "units/housing-d"
HEAD, DEPUTY, CLERK = "persons/hd-head", "persons/hd-deputy", "persons/hd-clerk"
TITLE = "关于加快城区老旧小区加装电梯的建议"
CLERK_PHONE = "13912345678"

ANSWER = (
    "尊敬的欧阳华代表：\n"
    "您提出的《关于加快城区老旧小区加装电梯的建议》收悉。我局高度重视，经认真研究，现答复如下：\n"
    "一、简化审批。自2026年12月起，老旧小区加装电梯实行联合审批，办理时限压缩至15个工作日。\n"
    "二、财政补贴。每台电梯补助15万元，已纳入2026年县级财政预算，首批12台已于11月开工。\n"
    "三、协调机制。由各社区牵头召开业主协商会，化解低层住户的顾虑。\n"
    "感谢您对住房和城乡建设工作的关心和支持。\n"
    f"联系人：孙浩，手机：{CLERK_PHONE}\n"
    "县住房和城乡建设局\n2026年11月23日")


class DisclosureThroughGatewayTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        stack = cls.stack
        office = stack.token(*OFFICE)
        congress = stack.token(*CONGRESS)
        clerk = stack.token(CLERK, "ROLE_UNIT_CLERK", name="孙浩", unit=UNIT)
        deputy = stack.token(DEPUTY, "ROLE_UNIT_DEPUTY_HEAD", name="钱丽", unit=UNIT)
        head = stack.token(HEAD, "ROLE_UNIT_HEAD", name="赵国强", unit=UNIT)

        def ok(reply):
            assert reply.status == 200, reply
            return reply.json()

        stack.create_unit(UNIT, "县住房和城乡建设局", "城乡建设", [
            (HEAD, "赵国强", "MEMBER_ROLE_HEAD", "局办公室"),
            (DEPUTY, "钱丽", "MEMBER_ROLE_DEPUTY_HEAD", "城建股"),
            (CLERK, "孙浩", "MEMBER_ROLE_CLERK", "城建股")], office)
        cls.item = stack.accepted_item({
            "kind": "ITEM_KIND_SUGGESTION", "session": SESSION, "year": 2026, "title": TITLE,
            "body": "城区多层住宅老年人上下楼困难，加装电梯意愿强烈，但审批环节多、补贴不明确。"
                    f"建议简化审批，明确补贴标准。联系电话{LEAD_PHONE}。",
            "category": "城乡建设", "channel": "CHANNEL_CONGRESS_SYSTEM",
            "leadProposer": {"person": LEAD, "name": "欧阳华", "group": "城关镇代表团",
                             "phone": LEAD_PHONE}}, congress)
        cls.record = "disclosures/" + cls.item.split("/")[1]
        task = stack.assigned_task(cls.item, UNIT, office, clerk)["name"]
        ok(stack.request("POST", f"/v1/{task}:acknowledge", {"responsible": {
            "head": HEAD, "headName": "赵国强", "deputyHead": DEPUTY, "deputyHeadName": "钱丽",
            "section": "城建股", "clerk": CLERK, "clerkName": "孙浩"}}, token=clerk))
        answer = ok(stack.request("POST", f"/v1/{task}/answers", {"answer": {
            "answerClass": "ANSWER_CLASS_A", "text": ANSWER, "contactPerson": "孙浩",
            "contactPhone": CLERK_PHONE, "answerDate": "2026-11-23"}}, token=clerk))["name"]
        ok(stack.request("POST", f"/v1/{answer}:review", {"approve": True}, token=deputy))
        ok(stack.request("POST", f"/v1/{answer}:sign", {}, token=head))
        ok(stack.request("POST", f"/v1/{answer}:issue", {}, token=clerk))
        stack.wait_for(lambda: stack.request(
            "GET", f"/v1/public/{cls.record}").status == 200)

    def test_public_reads_need_no_login_and_never_show_contact_details(self):
        listed = self.assert_ok(self.call("GET", query("/v1/public/disclosures", q="加装电梯")))
        self.assertEqual([d["name"] for d in listed["disclosures"]], [self.record])
        record = self.assert_ok(self.call("GET", f"/v1/public/{self.record}"))
        self.assertEqual(record["title"], TITLE)
        self.assertEqual(record["state"], "DISCLOSURE_STATE_PUBLISHED")
        self.assertEqual(record["proposers"][0]["name"], "欧阳华")
        self.assertEqual(record["units"][0]["headName"], "赵国强")
        self.assertIn("手机：139********", record["answers"][0]["text"])
        self.assertNotIn("redactions", record)
        whole = json.dumps(record, ensure_ascii=False)
        self.assertNotIn(CLERK_PHONE, whole)
        self.assertNotIn(LEAD_PHONE, whole)

        page = self.call("GET", f"/v1/public/pages/{self.record}")
        self.assertEqual(page.status, 200, page)
        self.assertTrue(page.header("Content-Type").startswith("text/html"), page)
        self.assertIn(TITLE, page.text)
        self.assertNotIn(CLERK_PHONE, page.text)
        etag = page.header("ETag")
        self.assertTrue(etag, page)
        self.assertTrue(page.header("Last-Modified"), page)
        self.assertTrue(page.header("Cache-Control"), page)
        again = self.call("GET", f"/v1/public/pages/{self.record}", headers={"If-None-Match": etag})
        self.assertEqual(again.status, 304, again)

        feed = self.call("GET", "/v1/public/feeds/disclosures.atom")
        self.assertEqual(feed.status, 200, feed)
        self.assertTrue(feed.header("Content-Type").startswith("application/atom+xml"), feed)
        self.assertIn(f"/v1/public/pages/{self.record}", feed.text)
        csv = self.call("GET", query("/v1/public/open-data/disclosures.csv", year=2026))
        self.assertEqual(csv.status, 200, csv)
        self.assertTrue(csv.header("Content-Type").startswith("text/csv"), csv)
        self.assertTrue(csv.body.startswith(b"\xef\xbb\xbf"), csv)
        self.assertIn("attachment", csv.header("Content-Disposition"))
        self.assertIn(TITLE, csv.body.decode("utf-8-sig"))
        self.assertNotIn(CLERK_PHONE, csv.body.decode("utf-8-sig"))

    def test_office_routes_need_an_office_and_show_what_was_masked(self):
        self.assert_error(self.call("GET", "/v1/disclosures"), 401, "UNAUTHENTICATED")
        proposer = self.stack.token(LEAD, "ROLE_PROPOSER", name="欧阳华")
        self.assert_error(self.call("GET", "/v1/disclosures", token=proposer), 403,
                          "PERMISSION_DENIED")
        supervision = self.stack.token(*SUPERVISION)
        record = self.assert_ok(self.call("GET", f"/v1/{self.record}", token=supervision))
        masked = {(r["kind"], r["original"]) for r in record["redactions"]}
        self.assertIn(("REDACTION_KIND_MOBILE_PHONE", CLERK_PHONE), masked)
        self.assertIn(("REDACTION_KIND_MOBILE_PHONE", LEAD_PHONE), masked)
        withhold = {"reason": "WITHHOLD_REASON_PRIVACY", "reasonText": "涉及个人隐私"}
        self.assert_error(self.call("POST", f"/v1/{self.record}:withhold", withhold,
                                    token=supervision), 403, "PERMISSION_DENIED")
        self.assert_error(self.call("POST", f"/v1/{self.record}:withhold", {"reason": "WITHHOLD_REASON_PRIVACY"},
                                    token=self.stack.token(*OFFICE)), 400, "INVALID_ARGUMENT",
                          field="reason_text")
        versions = self.assert_ok(self.call("GET", f"/v1/{self.record}/versions", token=supervision))
        self.assertEqual([v["kind"] for v in versions["versions"]], ["PUBLISHED"])

    def test_retracting_takes_the_record_off_the_public_side_at_once(self):
        # Runs last (tests run in name order): it retracts the record the others read.
        # The gateway keeps rendered public reads; a retraction must not leave a copy behind.
        listing = query("/v1/public/disclosures", q="加装电梯")
        pages = [f"/v1/public/{self.record}", f"/v1/public/pages/{self.record}"]
        for _ in range(2):  # read twice: the second answer may come from the gateway's cache
            self.assertIn(self.record, [d["name"] for d in
                                        self.assert_ok(self.call("GET", listing))["disclosures"]])
            for path in pages:
                self.assertEqual(self.call("GET", path).status, 200, path)
        office = self.stack.token(*OFFICE)
        self.assert_ok(self.call("POST", f"/v1/{self.record}:retract",
                                 {"reason": "答复内容需要更正后重新公开"}, token=office))
        self.assertEqual(self.assert_ok(self.call("GET", listing)).get("disclosures", []), [])
        for path in pages:
            self.assert_error(self.call("GET", path), 404, "NOT_FOUND")

    def test_browser_searches_in_chinese_and_opens_the_detail_page(self):
        if not PLAYWRIGHT_NODE_PATH:
            self.skipTest("HUIYIN_PLAYWRIGHT_NODE_PATH is not set")
        node = shutil.which("node")
        self.assertIsNotNone(node, "HUIYIN_PLAYWRIGHT_NODE_PATH is set but there is no node")
        self.assertTrue(os.access(CHROMIUM, os.X_OK), f"no chromium at {CHROMIUM}")
        result = subprocess.run(
            [node, str(BROWSER_SCRIPT), f"http://127.0.0.1:{self.stack.port}", "加装电梯",
             CHROMIUM], capture_output=True, text=True, timeout=120,
            env=dict(os.environ, NODE_PATH=PLAYWRIGHT_NODE_PATH))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        seen = json.loads(result.stdout.strip().splitlines()[-1])
        self.assertEqual(urllib.parse.parse_qs(urllib.parse.urlparse(seen["listUrl"]).query)["q"],
                         ["加装电梯"])
        self.assertEqual(seen["results"], [TITLE])
        detail = seen["detail"]
        self.assertTrue(detail["url"].endswith(f"/v1/public/pages/{self.record}"), detail["url"])
        self.assertEqual(detail["title"], TITLE)
        self.assertIn("一、简化审批。自2026年12月起，老旧小区加装电梯实行联合审批", detail["text"])
        self.assertIn("赵国强", detail["text"])
        self.assertIn("手机：139********", detail["text"])
        self.assertNotIn(CLERK_PHONE, detail["text"])
        self.assertNotIn(LEAD_PHONE, detail["text"])


if __name__ == "__main__":
    unittest.main()
