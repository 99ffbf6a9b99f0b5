"""Loads demo data into a running intake: suggestions (建议) of county deputies and proposals (提案)
of CPPCC members over the 2024 and 2025 sessions, screened the way the offices would.

    /usr/bin/python3 deploy/local/demo_data.py --address 127.0.0.1:7101 --credential SECRET

What it shows: the same topics raised year after year (南关农贸市场, 老旧小区物业, 县城停车难) for
FindSimilar's 年年提; two near-identical 2025 suggestions merged (并案); one item in traditional
characters; one not accepted (不予立案) with its reason; one withdrawn by its lead proposer.

Running it again changes nothing: every call carries a stable request_id, so the service replays
the first answer instead of making a second item or a second transition.
"""

import argparse
import collections
import os
import pathlib
import sys

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import huiyin_client  # noqa: E402

S24 = "县第十八届人民代表大会第三次会议"
S25 = "县第十八届人民代表大会第四次会议"
P24 = "政协县第十一届委员会第三次会议"
P25 = "政协县第十一届委员会第四次会议"

# The offices registering items (stable principals: request_ids are remembered per caller).
CONGRESS_OFFICE = ("persons/p-9001", "ROLE_CONGRESS_OFFICE", "县人大常委会选联工委 孙敏")
CPPCC_OFFICE = ("persons/p-9101", "ROLE_CPPCC_OFFICE", "县政协提案委员会 韩雪")

# person id → (姓名, 代表团 / 界别, phone). Phone numbers are made up.
PEOPLE = {
    "p-1001": ("王建国", "城关镇代表团", "13807461021"),
    "p-1002": ("李秀英", "东关街道代表团", "13807462158"),
    "p-1003": ("张卫东", "青石镇代表团", "13874519036"),
    "p-1004": ("刘桂芳", "城关镇代表团", "13807463375"),
    "p-1005": ("陈志强", "城关镇代表团", "13875120648"),
    "p-1006": ("杨丽华", "双河乡代表团", "13887304192"),
    "p-1007": ("赵德明", "柳河镇代表团", "13807451283"),
    "p-1008": ("黄海波", "东关街道代表团", "13874562017"),
    "p-2001": ("周文斌", "中国民主同盟", "13807469930"),
    "p-2002": ("吴海燕", "经济界", "13873916652"),
    "p-2003": ("孙立新", "医药卫生界", "13807468817"),
    "p-2004": ("郑春梅", "教育界", "13874035526"),
    "p-2005": ("马永红", "农业和农村界", "13887251340"),
    "p-2006": ("胡国平", "中国农工民主党", "13807467765"),
    "p-2007": ("林婉儀", "港澳台侨界", "13805118702"),
    "p-2008": ("何志刚", "无党派人士", "13874620391"),
}

# What happens to an item after it is registered.
ACCEPT, REJECT, MERGE, WITHDRAW, PENDING = "accept", "reject", "merge", "withdraw", "pending"

Demo = collections.namedtuple(
    "Demo", "key session title body lead co category channel fate note target",
    defaults=("", ""))

ITEMS = [
    # ---- 2024, deputies' suggestions ----
    Demo("s24-market", S24, "关于加快南关农贸市场提升改造的建议",
         "南关农贸市场建于上世纪九十年代，棚顶漏雨、地面积水，排水沟常年堵塞，夏季异味明显。"
         "市场内摊位划分混乱，活禽宰杀区与蔬菜区相邻，存在食品安全隐患。"
         "建议县商务局会同城关镇将南关农贸市场列入年度改造计划，实行雨污分流、生熟分区，并增设农残快检室。",
         "p-1001", ["p-1004"], "城乡建设", "CHANNEL_CONGRESS_SYSTEM", ACCEPT),
    Demo("s24-parking", S24, "关于缓解城区停车难问题的建议",
         "人民路、解放街一带商户集中，县医院门诊楼前每天上午车辆排队进院，占道停车现象突出。"
         "城区现有公共停车泊位不足一千个，远不能满足需求。"
         "建议利用县粮食局旧仓库等闲置地块建设公共停车场，在背街小巷施划夜间限时停车位，"
         "并推行机关单位停车场节假日对外开放。",
         "p-1002", [], "交通", "CHANNEL_CONGRESS_SYSTEM", ACCEPT),
    Demo("s24-road", S24, "关于改造青石镇至双河乡县道的建议",
         "青石镇至双河乡的县道X032全长十八公里，路面仅宽4.5米，多处坑洼破损，雨天通行困难。"
         "沿线有六个行政村、两所学校，群众出行和农产品外运都依赖这条路。"
         "建议县交通运输局将该路段纳入农村公路提质改造计划，拓宽至6.5米并增设错车道和安全护栏。",
         "p-1003", ["p-1006"], "交通", "CHANNEL_CONGRESS_SYSTEM", ACCEPT),
    Demo("s24-clinic", S24, "关于加强双河乡卫生院医疗力量的建议",
         "双河乡卫生院服务人口两万余人，现有执业医师仅五名，缺少B超、DR等基本检查设备，"
         "群众看病需往返县城六十多公里。建议县卫健局通过县域医共体派驻骨干医生定期坐诊，"
         "为卫生院配齐基本诊疗设备，并在职称评定上向乡镇卫生院倾斜。",
         "p-1006", [], "医疗卫生", "CHANNEL_PAPER", ACCEPT),
    Demo("s24-dispute", S24, "关于协调解决柳河镇柳树湾村宅基地纠纷的建议",
         "柳树湾村村民李某与邻居因宅基地界址发生争执已有三年，镇村两级多次调解未果，矛盾有激化趋势。"
         "建议有关部门尽快介入，依法确权，化解纠纷。",
         "p-1007", [], "社会管理", "CHANNEL_CONGRESS_SYSTEM", REJECT,
         "所提事项属于具体民事纠纷，不属于建议立案范围，已转县信访局作为来信办理。"),
    Demo("s24-river", S24, "关于加强柳河城区段水环境治理的建议",
         "柳河流经城区约六公里，东关街道段仍有十余处生活污水直排口，夏季河面漂浮物多、水体发黑发臭。"
         "建议县住建局、生态环境分局加快沿河截污管网建设，年内完成排口整治，"
         "并建立河长巡河问题清单销号制度。",
         "p-1008", ["p-1002"], "生态环境", "CHANNEL_CONGRESS_SYSTEM", ACCEPT),
    # ---- 2024, members' proposals ----
    Demo("p24-property", P24, "关于加强老旧小区物业管理的提案",
         "我县2000年以前建成的老旧小区有四十三个，其中近一半没有物业服务，楼道堆物、私搭乱建、"
         "化粪池外溢等问题群众反映强烈。部分小区虽引入物业，但收费率不足四成，企业难以为继。"
         "建议由街道牵头推行“红色物业”，对无物业小区实行社区托管，并设立老旧小区物业服务财政补贴。",
         "p-2001", ["p-2008"], "社会管理", "CHANNEL_CPPCC_ONLINE", ACCEPT),
    Demo("p24-care", P24, "关于推进医养结合服务的提案",
         "全县60岁以上老年人已占户籍人口的21%，乡镇敬老院只管生活照料，老人生病仍要送县城就医。"
         "建议以县中医院为龙头与敬老院签约，设立医务室或巡诊点，把失能老人的康复护理纳入医保支付范围。",
         "p-2003", [], "医疗卫生", "CHANNEL_CPPCC_ONLINE", ACCEPT),
    Demo("p24-teachers", P24, "关于稳定乡村教师队伍的提案",
         "近三年全县乡村学校流失教师一百余名，青石、双河等偏远乡镇学校英语、音乐、美术课长期由其他学科教师兼任。"
         "建议落实乡村教师生活补助并按偏远程度分档发放，建设教师周转宿舍，"
         "县城学校教师晋升高级职称须有一年以上乡村学校任教经历。",
         "p-2004", ["p-2001"], "教育", "CHANNEL_CPPCC_ONLINE", ACCEPT),
    Demo("p24-tea", P24, "关于做大做强青石镇高山茶产业的提案",
         "青石镇高山茶种植面积已达一万二千亩，但加工以家庭作坊为主，品牌杂、卖价低，"
         "每斤干茶比周边县同类产品低三成。建议扶持两到三家龙头企业建设标准化加工厂，"
         "统一质量标准和包装，支持茶农合作社开展电商直播销售。",
         "p-2005", [], "农业农村", "CHANNEL_PAPER", ACCEPT),
    # ---- 2025, deputies' suggestions ----
    Demo("s25-market", S25, "关于推进南关农贸市场改造升级的建议",
         "去年代表提出南关农贸市场改造建议后，县商务局答复已列入计划，但至今未见动工。"
         "市场内排水不畅、摊位拥挤、活禽与蔬菜混杂的状况依旧，周边占道经营进一步加剧了人民路的交通拥堵。"
         "建议明确改造时间表和资金来源，改造期间设置临时过渡市场，保障商户经营和群众买菜。",
         "p-1004", ["p-1001", "p-1005"], "城乡建设", "CHANNEL_CONGRESS_SYSTEM", ACCEPT),
    Demo("s25-property", S25, "关于破解老旧小区物业管理难题的建议",
         "东关街道纺织厂宿舍、农机厂宿舍等老旧小区没有物业，下水道堵塞、楼道灯不亮长期没人管。"
         "居民自治缺少经费，物业企业又不愿进驻。建议对老旧小区实行“片区打包”引入物业，"
         "由县财政给予前三年物业费补助，同时将小区公共收益用于补贴物业服务。",
         "p-1002", ["p-1008"], "社会管理", "CHANNEL_CONGRESS_SYSTEM", ACCEPT),
    Demo("s25-parking", S25, "关于进一步解决县城停车难的建议",
         "县城机动车保有量已超过三万辆，公共停车位增长缓慢，县医院、实验小学周边早晚高峰一位难求。"
         "去年提出的粮食局旧仓库停车场项目尚未落地。建议加快建设立体停车场，推广错时共享停车，"
         "并在新建小区严格落实配建停车位标准。",
         "p-1008", [], "交通", "CHANNEL_CONGRESS_SYSTEM", ACCEPT),
    Demo("s25-school", S25, "关于加强县第一中学周边交通安全管理的建议",
         "县第一中学校门正对建设路，上下学时段家长接送车辆、电动车和学生混行，去年以来已发生多起剐蹭事故。"
         "学校门前没有减速带和人行横道信号灯，交警仅在早高峰临时执勤。"
         "建议在校门两侧设置减速带、施划人行横道并安装信号灯，上下学时段安排交警和护学岗常态化值守。",
         "p-1005", [], "交通", "CHANNEL_CONGRESS_SYSTEM", ACCEPT),
    Demo("s25-school-again", S25, "关于改善县一中校门口上下学交通秩序的建议",
         "每天放学时，县一中校门口的建设路上接送学生的车辆乱停乱放，电动车和学生混行，已发生多起剐蹭。"
         "校门前既无减速带，也没有人行横道信号灯。建议增设减速带和信号灯、施划人行横道，"
         "上下学时段安排交警和护学岗在校门口执勤。",
         "p-1001", [], "交通", "CHANNEL_PAPER", MERGE,
         "与《关于加强县第一中学周边交通安全管理的建议》内容相近，并案办理。", "s25-school"),
    Demo("s25-farmland", S25, "关于加快青石镇高标准农田建设的建议",
         "青石镇山地多、田块小，灌溉渠道年久失修，遇旱缺水、遇涝排不出，水稻亩产比平原乡镇低两百斤。"
         "建议将青石镇列入今年高标准农田建设重点区域，配套修缮提灌站和机耕道，项目建成后明确管护主体。",
         "p-1003", [], "农业农村", "CHANNEL_CONGRESS_SYSTEM", ACCEPT),
    Demo("s25-ambulance", S25, "关于在双河乡设立急救站点的建议",
         "双河乡距县城六十多公里，县急救中心救护车单程需一个多小时，去年有两名心梗患者在转运途中错过抢救时机。"
         "建议依托双河乡卫生院设立120急救分站，配备一辆负压救护车和专职驾驶员。",
         "p-1006", [], "医疗卫生", "CHANNEL_CONGRESS_SYSTEM", PENDING),
    Demo("s25-dust", S25, "关于整治柳河镇采砂场扬尘污染的建议",
         "柳河镇沿河三家采砂场露天堆放砂石，运砂车辆不加盖篷布，沿线村庄房前屋后常年一层灰。"
         "建议生态环境分局督促砂场建设围挡和喷淋设施，运输车辆全部密闭，并在镇区路段安装扬尘在线监测。",
         "p-1007", [], "生态环境", "CHANNEL_PAPER", ACCEPT),
    # ---- 2025, members' proposals ----
    Demo("p25-property", P25, "关于建立老旧小区物业长效管理机制的提案",
         "去年提案办理后，县里在六个老旧小区试点社区托管物业，但经费靠临时拨付，部分小区托管一年后又无人管理。"
         "建议出台老旧小区物业管理办法，明确街道、社区、业主和物业企业的责任，"
         "将物业补贴列入年度财政预算，并把物业服务纳入社区网格化管理考核。",
         "p-2008", ["p-2001"], "社会管理", "CHANNEL_CPPCC_ONLINE", ACCEPT),
    Demo("p25-market", P25, "关于加快城区农贸市场标准化改造的提案",
         "城区四个农贸市场中，南关、北关两个市场设施老化严重，消防通道被占、电线私拉乱接问题突出，"
         "县城至今没有一个达到标准化要求的农贸市场。建议引入社会资本，采取“政府引导、企业运营”模式，"
         "分批推进农贸市场标准化改造，同步配套建设停车位和垃圾分类收集点。",
         "p-2002", [], "城乡建设", "CHANNEL_CPPCC_ONLINE", ACCEPT),
    Demo("p25-parking", P25, "關於緩解縣城停車難問題的提案",
         "縣城人民路、解放街一帶商鋪密集，縣醫院門前每天上午車輛排長隊，佔道停車嚴重影響通行。"
         "建議利用閒置地塊建設公共停車場，推行機關單位停車場錯時向社會開放，"
         "並開發停車誘導手機程序，方便群眾查詢空餘泊位。",
         "p-2007", [], "交通", "CHANNEL_CPPCC_ONLINE", ACCEPT),
    Demo("p25-classes", P25, "关于解决城区学校大班额问题的提案",
         "随着进城务工人员子女增多，城区实验小学、城关二小平均班额已达六十人，部分班级超过七十人。"
         "建议加快城东新区九年一贯制学校建设，合理调整学区划分，严格控制城区学校招生规模。",
         "p-2004", [], "教育", "CHANNEL_CPPCC_ONLINE", ACCEPT),
    Demo("p25-wetland", P25, "关于在柳河湿地公园增设健身步道的提案",
         "柳河湿地公园是城区居民晨练散步的主要去处，但园内只有一条窄小的石板路，早晚人多时相互避让困难。"
         "建议沿湖增设环形塑胶健身步道，配套照明和休息座椅。",
         "p-2006", [], "生态环境", "CHANNEL_CPPCC_ONLINE", WITHDRAW,
         "湿地公园健身步道已列入今年县城建设项目，提案人申请撤回。"),
    Demo("p25-tea", P25, "关于打造青石高山茶区域公用品牌的提案",
         "去年提案提出做大高山茶产业后，青石镇新建了两家标准化加工厂，但各企业仍各用各的商标，市场认知度低。"
         "建议由县农业农村局牵头注册“青石高山茶”地理标志，统一品牌授权和质量追溯，组织参加省内外茶博会。",
         "p-2005", ["p-2002"], "农业农村", "CHANNEL_CPPCC_ONLINE", ACCEPT),
    Demo("p25-homecare", P25, "关于加快发展社区居家养老服务的提案",
         "城区社区日间照料中心建成后多数只开放棋牌室，助餐、助浴、上门护理等服务基本没有开展。"
         "建议通过政府购买服务引入专业养老机构运营，为独居、失能老人建立家庭养老床位，"
         "并将服务情况纳入社区年度考核。",
         "p-2003", [], "社会管理", "CHANNEL_CPPCC_ONLINE", ACCEPT),
    Demo("p25-mental", P25, "关于加强中小学生心理健康教育的提案",
         "全县中小学专职心理教师仅九名，多数学校心理辅导室只挂牌不开门。"
         "建议按每校至少一名标准配备专兼职心理教师，每学期开展一次心理健康筛查，建立家校医协同干预机制。",
         "p-2001", [], "教育", "CHANNEL_CPPCC_ONLINE", PENDING),
    Demo("p25-business", P25, "关于进一步优化县城营商环境的提案",
         "部分企业反映，办理厂房施工许可仍需跑住建、自然资源、消防等多个窗口，前后耗时两个多月。"
         "建议在政务服务中心设立工程建设项目审批综合窗口，推行“拿地即开工”并联审批，"
         "对小微企业的涉企收费实行清单管理。",
         "p-2002", ["p-2008"], "经济发展", "CHANNEL_PAPER", ACCEPT),
]

YEAR_OF_SESSION = {S24: 2024, S25: 2025, P24: 2024, P25: 2025}
INTENDED_STATE = {ACCEPT: "ITEM_STATE_ACCEPTED", REJECT: "ITEM_STATE_NOT_ACCEPTED",
                  MERGE: "ITEM_STATE_MERGED", WITHDRAW: "ITEM_STATE_WITHDRAWN",
                  PENDING: "ITEM_STATE_SUBMITTED"}
TIMEOUT = 10


def is_suggestion(demo):
    return demo.session in (S24, S25)


class Loader:
    def __init__(self, channel, credential):
        from huiyin.intake.v1 import intake_pb2, intake_pb2_grpc

        self.pb = intake_pb2
        self.stub = intake_pb2_grpc.IntakeServiceStub(channel)
        self.credential = credential
        self.names = {}  # demo key → item name

    def metadata(self, principal, role, display_name=""):
        return huiyin_client.caller_metadata(principal, role, self.credential,
                                             display_name=display_name)

    def office_metadata(self, demo):
        return self.metadata(*(CONGRESS_OFFICE if is_suggestion(demo) else CPPCC_OFFICE))

    def proposer(self, person_id):
        name, group, phone = PEOPLE[person_id]
        return self.pb.Proposer(person=f"persons/{person_id}", name=name, group=group, phone=phone)

    def submit(self, demo):
        kind = self.pb.ITEM_KIND_SUGGESTION if is_suggestion(demo) else self.pb.ITEM_KIND_PROPOSAL
        item = self.pb.Item(
            kind=kind, session=demo.session, year=YEAR_OF_SESSION[demo.session], title=demo.title,
            body=demo.body, lead_proposer=self.proposer(demo.lead),
            co_proposers=[self.proposer(p) for p in demo.co], category=demo.category,
            channel=self.pb.Channel.Value(demo.channel))
        request = self.pb.SubmitItemRequest(request_id=f"demo-submit-{demo.key}", item=item)
        result = self.stub.SubmitItem(request, metadata=self.office_metadata(demo),
                                      timeout=TIMEOUT)
        self.names[demo.key] = result.name

    def transition(self, demo):
        """Moves the item to its intended state; a re-run replays (request_id) or finds it there."""
        name = self.names[demo.key]
        request_id = f"demo-{demo.fate}-{demo.key}"
        try:
            if demo.fate == ACCEPT:
                self.stub.AcceptItem(self.pb.AcceptItemRequest(name=name, request_id=request_id),
                                     metadata=self.office_metadata(demo), timeout=TIMEOUT)
            elif demo.fate == REJECT:
                self.stub.RejectItem(
                    self.pb.RejectItemRequest(name=name, reason=demo.note, request_id=request_id),
                    metadata=self.office_metadata(demo), timeout=TIMEOUT)
            elif demo.fate == MERGE:
                self.stub.MergeItem(
                    self.pb.MergeItemRequest(name=name, target=self.names[demo.target],
                                             reason=demo.note, request_id=request_id),
                    metadata=self.office_metadata(demo), timeout=TIMEOUT)
            elif demo.fate == WITHDRAW:
                lead_name = PEOPLE[demo.lead][0]
                self.stub.WithdrawItem(
                    self.pb.WithdrawItemRequest(name=name, reason=demo.note, request_id=request_id),
                    metadata=self.metadata(f"persons/{demo.lead}", "ROLE_PROPOSER", lead_name),
                    timeout=TIMEOUT)
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.FAILED_PRECONDITION:
                raise
            state = self.get(demo).state
            if self.pb.ItemState.Name(state) != INTENDED_STATE[demo.fate]:
                raise
            # Already where we wanted it (e.g. a database loaded before request_ids were kept).

    def get(self, demo):
        return self.stub.GetItem(self.pb.GetItemRequest(name=self.names[demo.key]),
                                 metadata=self.office_metadata(demo), timeout=TIMEOUT)

    def count_items(self):
        response = self.stub.ListItems(self.pb.ListItemsRequest(page_size=1),
                                       metadata=self.metadata(*CONGRESS_OFFICE),  # sees all
                                       timeout=TIMEOUT)
        return response.total_size


def summarize(loader, before, after):
    items = [(demo, loader.get(demo)) for demo in ITEMS]
    states = collections.Counter(loader.pb.ItemState.Name(item.state) for _, item in items)
    print(f"demo data: {len(ITEMS)} items ({after - before} new this run, "
          f"{after} in intake now)")
    print(f"  accepted {states['ITEM_STATE_ACCEPTED']}, "
          f"not accepted {states['ITEM_STATE_NOT_ACCEPTED']}, "
          f"merged {states['ITEM_STATE_MERGED']}, withdrawn {states['ITEM_STATE_WITHDRAWN']}, "
          f"awaiting screening {states['ITEM_STATE_SUBMITTED']}")
    by_session = collections.defaultdict(list)
    for demo, item in items:
        if item.number:
            by_session[demo.session].append((item.number, item.number_label))
    for session in (S24, P24, S25, P25):
        labels = [label for _, label in sorted(by_session[session])]
        print(f"  {session}: {'、'.join(labels) if labels else '(none)'}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--address", required=True, help="intake gRPC address, HOST:PORT")
    parser.add_argument("--credential", required=True, help="the internal credential")
    parser.add_argument("--stub-dir", default=os.environ.get(
        "HUIYIN_STUB_DIR", str(huiyin_client.REPO_ROOT / "build" / "python_stubs")),
                        help="where the generated Python stubs are kept")
    args = parser.parse_args(argv)
    huiyin_client.use_stubs(pathlib.Path(args.stub_dir))

    with huiyin_client.channel(args.address) as channel:
        grpc.channel_ready_future(channel).result(timeout=TIMEOUT)
        loader = Loader(channel, args.credential)
        before = loader.count_items()
        for demo in ITEMS:
            loader.submit(demo)
        for demo in ITEMS:
            loader.transition(demo)
        summarize(loader, before, loader.count_items())
    return 0


if __name__ == "__main__":
    sys.exit(main())
