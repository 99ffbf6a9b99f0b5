"""Assignment (交办) through the HTTP gateway, over the real processes: who may assign, who may
see and object to an assignment, and the waiting list filled from intake's events.

    cd tests/python && /usr/bin/python3 -m unittest -v assignment_gateway_test
(binaries from HUIYIN_*_BIN, as for gateway_e2e_test).
"""

import time
import unittest

from gateway_e2e_test import GatewayTestCase, query

SESSION = "县第十八届人民代表大会第五次会议"
OFFICE = ("persons/gov-1", "ROLE_GOVERNMENT_OFFICE", "县政府办公室 钱峰")
CONGRESS = ("persons/cong-a1", "ROLE_CONGRESS_OFFICE", "县人大选联工委 孙敏")
LEAD = "persons/p-5101"
WAIT_TIMEOUT = 5


def suggestion(title, body, category="城乡建设"):
    return {"kind": "ITEM_KIND_SUGGESTION", "session": SESSION, "year": 2026, "title": title,
            "body": body, "category": category, "channel": "CHANNEL_CONGRESS_SYSTEM",
            "leadProposer": {"person": LEAD, "name": "欧阳华", "group": "城关镇代表团"}}


class AssignmentThroughGatewayTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        stack = cls.stack
        cls.office = stack.token(*OFFICE)
        congress = stack.token(*CONGRESS)
        for unit_id, name, category in (("housing", "县住房和城乡建设局", "城乡建设"),
                                        ("transport", "县交通运输局", "交通")):
            reply = stack.request("POST", "/v1/units", {
                "unitId": unit_id,
                "unit": {"displayName": name, "kind": "UNIT_KIND_BUREAU", "active": True,
                         "categories": [category],
                         "members": [{"person": f"persons/{unit_id}-head", "name": "负责人",
                                      "role": "MEMBER_ROLE_HEAD"}]}}, token=cls.office)
            assert reply.status == 200, reply
        cls.items = []
        for title, body, category in (
                ("关于加快老旧小区加装电梯的建议",
                 "城区多层住宅老人上下楼困难，加装电梯意愿强烈但协调难、审批慢。建议简化审批流程并给予补贴。",
                 "城乡建设"),
                ("关于优化城区公交线路的建议",
                 "新城区至县医院没有直达公交，群众就医换乘不便。建议调整公交线路并加密班次。", "交通")):
            item = stack.request("POST", "/v1/items", {"item": suggestion(title, body, category)},
                                 token=congress).json()
            accepted = stack.request("POST", f"/v1/{item['name']}:accept", {}, token=congress)
            assert accepted.status == 200, accepted
            cls.items.append(item["name"])

    def wait_waiting(self, item):
        deadline = time.monotonic() + WAIT_TIMEOUT
        while time.monotonic() < deadline:
            reply = self.call("GET", query("/v1/assignments:waiting", pageSize=100),
                              token=self.office)
            self.assertEqual(reply.status, 200, reply)
            if any(i["item"] == item for i in reply.json().get("items", [])):
                return
            time.sleep(0.1)
        self.fail(f"{item} never reached the waiting list")

    def assign(self, item, unit, token=None):
        return self.call("POST", "/v1/assignments", {
            "requestId": f"assign-{item.split('/')[1]}",
            "plan": {"item": item, "mode": "ASSIGNMENT_MODE_SOLE",
                     "units": [{"unit": unit, "role": "UNIT_ROLE_LEAD"}],
                     "deadline": {"workingDays": 20}}}, token=token or self.office)

    def test_only_the_government_office_manages_units(self):
        clerk = self.stack.token("persons/housing-clerk", "ROLE_UNIT_CLERK", unit="units/housing")
        reply = self.call("POST", "/v1/units", {"unitId": "rogue", "unit": {
            "displayName": "自设单位", "kind": "UNIT_KIND_OTHER", "active": True}}, token=clerk)
        self.assert_error(reply, 403, "PERMISSION_DENIED")
        listed = self.call("GET", "/v1/units", token=clerk)
        self.assertEqual(listed.status, 200, listed)
        self.assertEqual({u["name"] for u in listed.json()["units"]},
                         {"units/housing", "units/transport"})

    def test_assignment_permissions_for_units_proposers_and_offices(self):
        item = self.items[0]
        self.wait_waiting(item)
        clerk = self.stack.token("persons/housing-clerk", "ROLE_UNIT_CLERK", unit="units/housing")
        self.assert_error(self.assign(item, "units/housing", token=clerk), 403, "PERMISSION_DENIED")
        assigned = self.assign(item, "units/housing")
        self.assertEqual(assigned.status, 200, assigned)
        body = assigned.json()
        self.assertEqual(body["units"][0]["unit"], "units/housing")
        self.assertIn("explanation", body["currentDeadline"])

        path = f"/v1/{item}/assignment"
        # The unit sees its own assignment; another unit does not; the lead proposer sees which
        # unit handles the item; another proposer does not.
        self.assertEqual(self.call("GET", path, token=clerk).status, 200)
        other_unit = self.stack.token("persons/transport-clerk", "ROLE_UNIT_CLERK",
                                      unit="units/transport")
        self.assert_error(self.call("GET", path, token=other_unit), 403, "PERMISSION_DENIED")
        proposer = self.stack.token(LEAD, "ROLE_PROPOSER")
        self.assertEqual(self.call("GET", path, token=proposer).status, 200)
        stranger = self.stack.token("persons/p-5999", "ROLE_PROPOSER")
        self.assert_error(self.call("GET", path, token=stranger), 403, "PERMISSION_DENIED")
        # Only a unit named in the assignment objects, and only for itself.
        objection = {"unit": "units/housing", "reason": "该事项主要涉及交通组织，建议改由交通运输局办理"}
        self.assert_error(self.call("POST", f"{path}:object", objection, token=other_unit),
                          403, "PERMISSION_DENIED")
        objected = self.call("POST", f"{path}:object", objection, token=clerk)
        self.assertEqual(objected.status, 200, objected)
        self.assertEqual(objected.json()["state"], "OBJECTION_STATE_PENDING")

    def test_assigning_twice_is_a_conflict(self):
        item = self.items[1]
        self.wait_waiting(item)
        first = self.call("POST", "/v1/assignments", {
            "plan": {"item": item, "mode": "ASSIGNMENT_MODE_SOLE",
                     "units": [{"unit": "units/transport", "role": "UNIT_ROLE_LEAD"}],
                     "deadline": {"workingDays": 20}}}, token=self.office)
        self.assertEqual(first.status, 200, first)
        again = self.call("POST", "/v1/assignments", {
            "plan": {"item": item, "mode": "ASSIGNMENT_MODE_SOLE",
                     "units": [{"unit": "units/housing", "role": "UNIT_ROLE_LEAD"}],
                     "deadline": {"workingDays": 20}}}, token=self.office)
        self.assertIn(again.status, (409,), again)

    def test_a_bad_plan_names_the_field(self):
        reply = self.call("POST", "/v1/assignments", {
            "plan": {"item": self.items[0], "mode": "ASSIGNMENT_MODE_LEAD_AND_CO",
                     "units": [{"unit": "units/housing", "role": "UNIT_ROLE_LEAD"}]}},
            token=self.office)
        self.assertEqual(reply.status, 400, reply)
        self.assertTrue(reply.json()["error"].get("fieldViolations"), reply)


if __name__ == "__main__":
    unittest.main()
