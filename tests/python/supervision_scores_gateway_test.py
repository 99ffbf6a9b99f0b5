"""Unit scores (倒扣分) and exports through the HTTP gateway over the real processes: a unit
issues an answer without having met the proposer (未见面), the supervision office returns it
(退回重办); both deductions reach the unit's score report pointing at workflow's events, and the
ledger, the figures and the scores download as CSV and as Excel workbooks. A unit reads only its
own; strangers nothing.

    cd tests/python && /usr/bin/python3 -m unittest -v supervision_scores_gateway_test
(binaries from HUIYIN_*_BIN, as for gateway_e2e_test).
"""

import datetime
import io
import unittest
import zipfile

from gateway_e2e_test import CHINA, GatewayTestCase, query

SESSION = "县第十八届人民代表大会第六次会议"
OFFICE = ("persons/gov-k1", "ROLE_GOVERNMENT_OFFICE", "县政府办公室 钱峰")
CONGRESS = ("persons/cong-k1", "ROLE_CONGRESS_OFFICE", "县人大选联工委 孙敏")
SUPERVISION = ("persons/du-cha-k1", "ROLE_SUPERVISION_OFFICE", "县政府督查室 周明")
LEAD = "persons/p-7201"
UNIT = "units/water-k"
HEAD, DEPUTY, CLERK = "persons/wk-head", "persons/wk-deputy", "persons/wk-clerk"
TITLE = "关于\"自来水\"管网改造,解决城西片区水压不足的建议"

ANSWER = (
    "尊敬的王海代表：\n"
    "您提出的《关于城西片区水压不足的建议》收悉。经研究，现答复如下：\n"
    "一、城西加压泵站已完成选址，2026年9月开工，12月20日前投入运行。\n"
    "二、投运前在用水高峰时段调度水车保障供水。\n"
    "感谢您对供水工作的关心和支持。\n"
    "联系人：李娜，电话：0731-5553210\n"
    "县水务局")


class ScoresThroughGatewayTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        stack = cls.stack
        cls.office = stack.token(*OFFICE)
        cls.supervision = stack.token(*SUPERVISION)
        cls.clerk = stack.token(CLERK, "ROLE_UNIT_CLERK", name="李娜", unit=UNIT)
        cls.deputy = stack.token(DEPUTY, "ROLE_UNIT_DEPUTY_HEAD", name="陈刚", unit=UNIT)
        cls.head = stack.token(HEAD, "ROLE_UNIT_HEAD", name="刘洋", unit=UNIT)
        cls.other_unit = stack.token("persons/x-clerk", "ROLE_UNIT_CLERK", name="赵六",
                                     unit="units/other-k")
        cls.proposer = stack.token(LEAD, "ROLE_PROPOSER", name="王海")
        congress = stack.token(*CONGRESS)
        stack.create_unit(UNIT, "县水务局", "城乡建设", [
            (HEAD, "刘洋", "MEMBER_ROLE_HEAD", "局办公室"),
            (DEPUTY, "陈刚", "MEMBER_ROLE_DEPUTY_HEAD", "供水股"),
            (CLERK, "李娜", "MEMBER_ROLE_CLERK", "供水股")], cls.office)
        cls.item = stack.accepted_item({
            "kind": "ITEM_KIND_SUGGESTION", "session": SESSION, "year": 2026, "title": TITLE,
            "body": "城西片区高峰时段水压不足，高层住户经常停水。建议改造管网并新建加压泵站。",
            "category": "城乡建设", "channel": "CHANNEL_CONGRESS_SYSTEM",
            "leadProposer": {"person": LEAD, "name": "王海", "group": "城关镇代表团"}}, congress)
        cls.task = stack.assigned_task(cls.item, UNIT, cls.office, cls.clerk)["name"]

    def score(self, token, unit=UNIT, year=None):
        return self.call("GET", f"/v1/{unit}/scores/{year or self.year}", token=token)

    def groups(self):
        reply = self.score(self.clerk)
        return {g["kind"]: g for g in reply.json().get("groups", [])} if reply.status == 200 else {}

    def download(self, path, token, **params):
        reply = self.call("GET", query(path, **params), token=token)
        self.assertEqual(reply.status, 200, reply)
        self.assertIn("attachment", reply.header("Content-Disposition") or "", reply.headers)
        return reply

    def test_deductions_reach_the_score_and_the_exports(self):
        self.year = datetime.datetime.now(CHINA).year
        reply = self.call("POST", f"/v1/{self.task}:acknowledge", {"responsible": {
            "head": HEAD, "headName": "刘洋", "deputyHead": DEPUTY, "deputyHeadName": "陈刚",
            "section": "供水股", "clerk": CLERK, "clerkName": "李娜"}}, token=self.clerk)
        self.assertEqual(reply.status, 200, reply)
        today = datetime.datetime.now(CHINA).date().isoformat()
        drafted = self.call("POST", f"/v1/{self.task}/answers", {"answer": {
            "answerClass": "ANSWER_CLASS_A", "text": ANSWER, "contactPerson": "李娜",
            "contactPhone": "0731-5553210", "answerDate": today}}, token=self.clerk)
        self.assertEqual(drafted.status, 200, drafted)
        answer = drafted.json()["name"]
        for path, token in ((f"/v1/{answer}:review", self.deputy), (f"/v1/{answer}:sign", self.head),
                            (f"/v1/{answer}:issue", self.clerk)):
            reply = self.call("POST", path, {"approve": True} if path.endswith(":review") else {},
                              token=token)
            self.assertEqual(reply.status, 200, reply)
        # Issued with no meeting at all: 未见面, derived from workflow's AnswerIssued.
        groups = self.stack.wait_for(
            lambda: "DEDUCTION_KIND_NOT_MET" in self.groups() and self.groups())
        not_met = groups["DEDUCTION_KIND_NOT_MET"]["deductions"]
        self.assertEqual(len(not_met), 1)
        self.assertEqual(not_met[0]["item"], self.item)
        self.assertEqual(not_met[0]["title"], TITLE)
        self.assertEqual(not_met[0]["event"]["source"], "workflow")
        self.assertEqual(not_met[0]["event"]["type"], "huiyin.workflow.v1.AnswerIssued")
        self.assertGreater(int(not_met[0]["event"]["sequence"]), 0)

        returned = self.call("POST", "/v1/returns", {
            "answer": answer, "reasons": ["RETURN_REASON_FORMAT"], "comment": "落款缺少日期",
            "requestId": "return-7201-1"}, token=self.supervision)
        self.assertEqual(returned.status, 200, returned)
        groups = self.stack.wait_for(
            lambda: "DEDUCTION_KIND_ANSWER_RETURNED" in self.groups() and self.groups())
        back = groups["DEDUCTION_KIND_ANSWER_RETURNED"]["deductions"][0]
        self.assertEqual(back["subject"], answer)
        self.assertEqual(back["event"]["type"], "huiyin.workflow.v1.AnswerReturned")
        self.assertEqual(back["detail"], "退回理由：格式不规范")

        report = self.score(self.clerk).json()
        self.assertEqual(report["unitDisplayName"], "县水务局")
        self.assertEqual(report["base"], 100)
        points = sum(g["points"] for g in report["groups"])
        self.assertAlmostEqual(report["deducted"], points)
        self.assertAlmostEqual(report["score"], 100 - points)
        self.assertEqual(report["rank"], 1)
        ranking = self.call("GET", f"/v1/scores/{self.year}", token=self.office).json()
        self.assertIn(UNIT, [s["unit"] for s in ranking["scores"]])

        # Permissions: another unit is refused whether or not the unit exists; strangers too.
        self.assert_error(self.score(self.other_unit), 403, "PERMISSION_DENIED")
        self.assert_error(self.score(self.other_unit, unit="units/nowhere"), 403,
                          "PERMISSION_DENIED")
        self.assert_error(self.score(self.proposer), 403, "PERMISSION_DENIED")
        self.assert_error(self.score(self.office, year=26), 400, "INVALID_ARGUMENT", "year")
        self.assert_error(self.call("GET", query("/v1/ledger:export", year=2026),
                                    token=self.proposer), 403, "PERMISSION_DENIED")

        csv = self.download("/v1/ledger:export", self.clerk, year=2026)
        self.assertTrue(csv.header("Content-Type").startswith("text/csv"), csv.headers)
        self.assertTrue(csv.body.startswith(b"\xef\xbb\xbf"), csv.body[:20])
        text = csv.body.decode("utf-8-sig")
        self.assertTrue(text.startswith("统一编号,标题,类型,"), text[:80])
        self.assertIn('"关于""自来水""管网改造,解决城西片区水压不足的建议"', text)
        self.assertIn("县水务局", text)
        self.assertTrue(text.endswith("\r\n"))

        xlsx = self.download("/v1/ledger:export", self.office, year=2026,
                             format="EXPORT_FORMAT_XLSX")
        with zipfile.ZipFile(io.BytesIO(xlsx.body)) as book:
            strings = book.read("xl/sharedStrings.xml").decode("utf-8")
            self.assertIn("管网改造,解决城西片区水压不足的建议", strings)
            self.assertIn("答复期限", strings)

        figures = self.download("/v1/figures:export", self.clerk, year=2026)
        lines = figures.body.decode("utf-8-sig").split("\r\n")
        self.assertTrue(lines[0].startswith("单位,交办件数,"), lines[0])
        self.assertTrue(lines[1].startswith("县水务局,1,"), lines)

        scores = self.download(f"/v1/scores/{self.year}:export", self.office,
                               format="EXPORT_FORMAT_XLSX")
        with zipfile.ZipFile(io.BytesIO(scores.body)) as book:
            self.assertIn("扣分明细", book.read("xl/workbook.xml").decode("utf-8"))
            strings = book.read("xl/sharedStrings.xml").decode("utf-8")
            self.assertIn("未见面", strings)
            self.assertIn("huiyin.workflow.v1.AnswerReturned", strings)


if __name__ == "__main__":
    unittest.main()
