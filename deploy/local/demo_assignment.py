"""Loads the assignment demo into a running huiyin-assignment: the county's handling units
(承办单位) with their people, then the assignment meeting (交办会) of every accepted item that
waits for a unit.

    /usr/bin/python3 deploy/local/demo_assignment.py --address 127.0.0.1:7102 --credential SECRET

Items are assigned by their category: building matters to the housing bureau with the town
government as co-handler (主办 + 协办), ecology split between the environment and water bureaus
(分办), everything else to one bureau alone (单独办理); one key item is led by a deputy county
head (重点件, 领衔办理). Deadlines are fixed at the end of the year so that they stay inside the
years the working-day calendar knows.

Running it again changes nothing: units that exist are left as they are, and only items still
waiting are assigned (each with a stable request_id).
"""

import argparse
import datetime
import os
import pathlib
import sys
import time

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import huiyin_client  # noqa: E402

TIMEOUT = 10
GOVERNMENT_OFFICE = ("persons/p-9201", "ROLE_GOVERNMENT_OFFICE", "县政府办公室 督查股 钱峰")

# unit id → (名称, kind, categories, [(person, 姓名, role, 科室)])
UNITS = {
    "housing": ("县住房和城乡建设局", "UNIT_KIND_BUREAU", ["城乡建设"], [
        ("persons/u-101", "赵国强", "MEMBER_ROLE_HEAD", "局办公室"),
        ("persons/u-102", "钱丽", "MEMBER_ROLE_DEPUTY_HEAD", "城建股"),
        ("persons/u-103", "孙浩", "MEMBER_ROLE_CLERK", "城建股")]),
    "chengguan": ("城关镇人民政府", "UNIT_KIND_TOWNSHIP", ["城乡建设", "社会管理"], [
        ("persons/u-201", "李红梅", "MEMBER_ROLE_HEAD", "镇党政办"),
        ("persons/u-202", "周明", "MEMBER_ROLE_DEPUTY_HEAD", "镇党政办"),
        ("persons/u-203", "吴婷", "MEMBER_ROLE_CLERK", "镇党政办")]),
    "transport": ("县交通运输局", "UNIT_KIND_BUREAU", ["交通"], [
        ("persons/u-301", "郑伟", "MEMBER_ROLE_HEAD", "局办公室"),
        ("persons/u-302", "冯军", "MEMBER_ROLE_DEPUTY_HEAD", "公路股"),
        ("persons/u-303", "陈静", "MEMBER_ROLE_CLERK", "公路股")]),
    "education": ("县教育局", "UNIT_KIND_BUREAU", ["教育"], [
        ("persons/u-401", "褚建华", "MEMBER_ROLE_HEAD", "局办公室"),
        ("persons/u-402", "卫东", "MEMBER_ROLE_DEPUTY_HEAD", "基础教育股"),
        ("persons/u-403", "蒋敏", "MEMBER_ROLE_CLERK", "基础教育股")]),
    "health": ("县卫生健康局", "UNIT_KIND_BUREAU", ["医疗卫生"], [
        ("persons/u-501", "沈涛", "MEMBER_ROLE_HEAD", "局办公室"),
        ("persons/u-502", "韩冰", "MEMBER_ROLE_DEPUTY_HEAD", "医政股"),
        ("persons/u-503", "杨帆", "MEMBER_ROLE_CLERK", "医政股")]),
    "environment": ("县生态环境分局", "UNIT_KIND_BUREAU", ["生态环境"], [
        ("persons/u-601", "朱立", "MEMBER_ROLE_HEAD", "办公室"),
        ("persons/u-602", "秦岚", "MEMBER_ROLE_DEPUTY_HEAD", "环境管理股"),
        ("persons/u-603", "尤佳", "MEMBER_ROLE_CLERK", "环境管理股")]),
    "water": ("县水利局", "UNIT_KIND_BUREAU", ["生态环境", "农业农村"], [
        ("persons/u-701", "许刚", "MEMBER_ROLE_HEAD", "局办公室"),
        ("persons/u-702", "何平", "MEMBER_ROLE_DEPUTY_HEAD", "河湖股"),
        ("persons/u-703", "吕洋", "MEMBER_ROLE_CLERK", "河湖股")]),
    "agriculture": ("县农业农村局", "UNIT_KIND_BUREAU", ["农业农村"], [
        ("persons/u-801", "施勇", "MEMBER_ROLE_HEAD", "局办公室"),
        ("persons/u-802", "张萍", "MEMBER_ROLE_DEPUTY_HEAD", "产业股"),
        ("persons/u-803", "孔亮", "MEMBER_ROLE_CLERK", "产业股")]),
    "civil-affairs": ("县民政局", "UNIT_KIND_BUREAU", ["社会管理"], [
        ("persons/u-901", "曹阳", "MEMBER_ROLE_HEAD", "局办公室"),
        ("persons/u-902", "严冬", "MEMBER_ROLE_DEPUTY_HEAD", "社会事务股"),
        ("persons/u-903", "华蕾", "MEMBER_ROLE_CLERK", "社会事务股")]),
    "commerce": ("县商务局", "UNIT_KIND_BUREAU", ["经济发展"], [
        ("persons/u-951", "金鑫", "MEMBER_ROLE_HEAD", "局办公室"),
        ("persons/u-952", "魏然", "MEMBER_ROLE_DEPUTY_HEAD", "市场股"),
        ("persons/u-953", "陶然", "MEMBER_ROLE_CLERK", "市场股")]),
}

SOLE_BY_CATEGORY = {"交通": "transport", "教育": "education", "医疗卫生": "health",
                    "农业农村": "agriculture", "社会管理": "civil-affairs", "经济发展": "commerce"}
# Four months from today (China): run.sh loads placeholder years past the shipped calendar.
DEADLINE = (datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
            + datetime.timedelta(days=120)).isoformat()
LEADING_OFFICIAL = ("persons/p-8001", "副县长 刘洋")


def plan_for(pb, summary, key):
    """The assignment plan for a waiting item, by its category."""
    plan = pb.AssignmentPlan(item=summary.item, deadline=pb.DeadlineRule(fixed_date=DEADLINE),
                             note="请按时办理，加强与代表委员沟通")
    lead = pb.UNIT_ROLE_LEAD
    if summary.category == "城乡建设":
        plan.mode = pb.ASSIGNMENT_MODE_LEAD_AND_CO
        plan.units.add(unit="units/housing", role=lead)
        plan.units.add(unit="units/chengguan", role=pb.UNIT_ROLE_CO)
    elif summary.category == "生态环境":
        plan.mode = pb.ASSIGNMENT_MODE_SPLIT
        plan.units.add(unit="units/environment", role=pb.UNIT_ROLE_PART, part="污染源排查与治理")
        plan.units.add(unit="units/water", role=pb.UNIT_ROLE_PART, part="河道清淤与水利工程")
    else:
        plan.mode = pb.ASSIGNMENT_MODE_SOLE
        plan.units.add(unit="units/" + SOLE_BY_CATEGORY.get(summary.category, "civil-affairs"),
                       role=lead)
    if key:
        plan.key = True
        plan.leading_official, plan.leading_official_name = LEADING_OFFICIAL
    return plan


def create_units(stub, pb, metadata):
    created = 0
    for unit_id, (display, kind, categories, members) in UNITS.items():
        unit = pb.Unit(display_name=display, kind=kind, active=True, categories=categories)
        for person, name, role, section in members:
            unit.members.add(person=person, name=name, role=role, section=section)
        try:
            stub.CreateUnit(pb.CreateUnitRequest(unit_id=unit_id, unit=unit),
                            metadata=metadata, timeout=TIMEOUT)
            created += 1
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.ALREADY_EXISTS:
                raise
    return created


def waiting_items(stub, pb, metadata):
    items, token = [], ""
    while True:
        page = stub.ListWaitingItems(pb.ListWaitingItemsRequest(page_size=500, page_token=token),
                                     metadata=metadata, timeout=TIMEOUT)
        items.extend(page.items)
        token = page.next_page_token
        if not token:
            return items


def settled_waiting_items(stub, pb, metadata, settle_seconds=1.0, limit_seconds=15):
    """The waiting list once assignment has caught up with intake's feed (stops growing)."""
    deadline = time.monotonic() + limit_seconds
    previous = -1
    while True:
        items = waiting_items(stub, pb, metadata)
        if len(items) == previous or time.monotonic() > deadline:
            return items
        previous = len(items)
        time.sleep(settle_seconds)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--address", required=True, help="assignment gRPC address, HOST:PORT")
    parser.add_argument("--credential", required=True, help="the internal credential")
    parser.add_argument("--stub-dir", default=os.environ.get(
        "HUIYIN_STUB_DIR", str(huiyin_client.REPO_ROOT / "build" / "python_stubs")))
    args = parser.parse_args(argv)
    huiyin_client.use_stubs(pathlib.Path(args.stub_dir))
    from huiyin.assignment.v1 import assignment_pb2 as pb, assignment_pb2_grpc

    with huiyin_client.channel(args.address) as channel:
        grpc.channel_ready_future(channel).result(timeout=TIMEOUT)
        stub = assignment_pb2_grpc.AssignmentServiceStub(channel)
        office = huiyin_client.caller_metadata(GOVERNMENT_OFFICE[0], GOVERNMENT_OFFICE[1],
                                               args.credential, display_name=GOVERNMENT_OFFICE[2])
        created = create_units(stub, pb, office)
        waiting = settled_waiting_items(stub, pb, office)
        key_given = False
        batch = pb.AssignItemsRequest(request_id="demo-assignment-meeting-%d" % len(waiting))
        for summary in waiting:
            key = not key_given and summary.category == "城乡建设" and summary.year == 2025
            key_given = key_given or key
            batch.plans.append(plan_for(pb, summary, key))
        result = pb.AssignItemsResponse()
        if batch.plans:
            result = stub.AssignItems(batch, metadata=office, timeout=TIMEOUT * 3)
        print(f"assignment demo: {created} units created, {result.assigned} items assigned, "
              f"{result.refused} refused")
        for r in result.results:
            if r.error_code:
                print(f"  refused {r.item}: {r.error_field} {r.error_message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
