"""The fictional people of the sample month: the centre's staff and its customers.

Staff are a fixed table (so the one shared name, the leaver and the person on leave are where
the tests expect them); customers and phone numbers are drawn from small pools with a seeded
``random.Random``. All names are invented combinations of common characters.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

CENTRE = "云泽市供电公司客户服务中心"
MAIL_DOMAIN = "yzgd.example.com"

DEPT_HOTLINE = "客服一部"  # 95598 hotline, round the clock
DEPT_ONLINE = "客服二部"  # APP, website, WeChat, Weibo, e-mail
DEPT_GENERAL = "综合服务部"  # walk-in counter, letters, follow-up visits, quality checks
DEPARTMENTS = (DEPT_HOTLINE, DEPT_ONLINE, DEPT_GENERAL)

SHARED_NAME = "王静"  # two people, one in 客服一部 and one in 综合服务部
LEAVER_ID = "0110"  # 离职 on LEAVER_LAST_DAY
LEAVER_LAST_DAY = date(2026, 10, 11)
ON_LEAVE_ID = "0207"  # 休假 from ON_LEAVE_FROM to the end of the month
ON_LEAVE_FROM = date(2026, 10, 12)
JOINER_ID = "0113"  # joins on JOINED_ON and handles two complaints: too few to be scored
JOINED_ON = date(2026, 10, 26)


@dataclass(frozen=True, slots=True)
class Person:
    """One member of staff as the roster holds them (the truth the workbooks are written from)."""

    staff_id: str
    name: str
    pinyin: str
    department: str
    role: str
    manager_id: str | None
    status: str = "在职"
    joined: date | None = None  # joined during the month (hired on that day)

    @property
    def label(self) -> str:
        """How a register names this person: 姓名, or 姓名(工号) when the name is shared."""
        return f"{self.name}({self.staff_id})" if self.name == SHARED_NAME else self.name


# staff_id, 姓名, pinyin (for the e-mail address), 部门, 岗位, 上级工号
_STAFF_ROWS: tuple[tuple[str, str, str, str, str, str | None], ...] = (
    ("0101", "陈立群", "chenliqun", DEPT_HOTLINE, "部门经理", None),
    ("0102", "赵海涛", "zhaohaitao", DEPT_HOTLINE, "值班经理", "0101"),
    ("0103", "孙晓梅", "sunxiaomei", DEPT_HOTLINE, "值班经理", "0101"),
    ("0104", "周文斌", "zhouwenbin", DEPT_HOTLINE, "客服主管", "0101"),
    ("0105", "吴佳怡", "wujiayi", DEPT_HOTLINE, "客服主管", "0101"),
    ("0106", "郑雨桐", "zhengyutong", DEPT_HOTLINE, "客服专员", "0104"),
    ("0107", "刘子豪", "liuzihao", DEPT_HOTLINE, "客服专员", "0104"),
    ("0108", SHARED_NAME, "wangjing", DEPT_HOTLINE, "客服专员", "0104"),
    ("0109", "黄思远", "huangsiyuan", DEPT_HOTLINE, "客服专员", "0105"),
    ("0110", "林可欣", "linkexin", DEPT_HOTLINE, "客服专员", "0105"),
    ("0111", "何俊杰", "hejunjie", DEPT_HOTLINE, "客服专员", "0105"),
    ("0112", "马晓东", "maxiaodong", DEPT_HOTLINE, "客服专员", "0105"),
    (JOINER_ID, "卢思琪", "lusiqi", DEPT_HOTLINE, "客服专员", "0105"),
    ("0201", "罗建华", "luojianhua", DEPT_ONLINE, "部门经理", None),
    ("0202", "高明月", "gaomingyue", DEPT_ONLINE, "客服主管", "0201"),
    ("0203", "梁诗雨", "liangshiyu", DEPT_ONLINE, "客服专员", "0202"),
    ("0204", "宋志强", "songzhiqiang", DEPT_ONLINE, "客服专员", "0202"),
    ("0205", "唐欣然", "tangxinran", DEPT_ONLINE, "客服专员", "0202"),
    ("0206", "许浩然", "xuhaoran", DEPT_ONLINE, "客服专员", "0202"),
    ("0207", "韩雪", "hanxue", DEPT_ONLINE, "客服专员", "0202"),
    ("0208", "冯一鸣", "fengyiming", DEPT_ONLINE, "客服专员", "0202"),
    ("0209", "邓佳琪", "dengjiaqi", DEPT_ONLINE, "客服专员", "0202"),
    ("0210", "曹宇航", "caoyuhang", DEPT_ONLINE, "客服专员", "0202"),
    ("0301", "彭丽娟", "penglijuan", DEPT_GENERAL, "部门经理", None),
    ("0302", "曾国栋", "zengguodong", DEPT_GENERAL, "客服主管", "0301"),
    ("0303", "谢婷婷", "xietingting", DEPT_GENERAL, "客服专员", "0302"),
    ("0304", "蒋振宇", "jiangzhenyu", DEPT_GENERAL, "客服专员", "0302"),
    ("0305", SHARED_NAME, "wangjing", DEPT_GENERAL, "回访专员", "0302"),
    ("0306", "袁博文", "yuanbowen", DEPT_GENERAL, "回访专员", "0302"),
    ("0307", "潘晓琳", "panxiaolin", DEPT_GENERAL, "回访专员", "0302"),
    ("0308", "杜明远", "dumingyuan", DEPT_GENERAL, "质检专员", "0301"),
)

_STATUS = {LEAVER_ID: "离职", ON_LEAVE_ID: "休假"}

STAFF: tuple[Person, ...] = tuple(
    Person(sid, name, py, dept, role, mgr, _STATUS.get(sid, "在职"),
           JOINED_ON if sid == JOINER_ID else None)
    for sid, name, py, dept, role, mgr in _STAFF_ROWS
)
STAFF_BY_ID: dict[str, Person] = {p.staff_id: p for p in STAFF}


# --------------------------------------------------------------------------------------------
# Customers

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉宇浩凯健俊帆"
    "帅旭宁龙林欣瑶怡晨阳佳琳雪梅建国志红卫东海燕淑珍凤兰春生永福金花德胜文博雅琴慧敏"
)
_ORGS = (
    "锦绣花园物业服务中心", "城南农贸市场管理处", "滨河小区业主委员会", "鑫源五金商行",
    "百味轩餐饮店", "金桥幼儿园", "安康药房", "东升汽修厂", "明德培训学校", "绿野农家乐",
    "福临门超市", "新城社区居委会", "晨光印务有限公司", "阳光养老服务中心",
)
_MOBILE_PREFIXES = (
    "130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "156", "157", "158", "159", "166", "173", "175", "176", "177", "180", "181", "182",
    "183", "185", "186", "187", "188", "189", "191", "198", "199",
)
_AREA_CODES = ("0571", "0574", "0577", "0579")  # landlines of the fictional city's province


def customer_name(rng: random.Random) -> str:
    """A customer as a register writes them: a full name, 姓+先生/女士, or an organisation."""
    roll = rng.random()
    surname = rng.choice(_SURNAMES)
    if roll < 0.55:
        given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))
        return surname + given
    if roll < 0.92:
        return surname + rng.choice(("先生", "女士"))
    return rng.choice(_ORGS)


def mobile(rng: random.Random) -> str:
    """A plausible 11-digit mainland mobile number."""
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def landline(rng: random.Random) -> str:
    """A landline with its area code, written ``0571-86123456``."""
    return f"{rng.choice(_AREA_CODES)}-{rng.randrange(8, 9)}{rng.randrange(10**7):07d}"


def customer_phone(rng: random.Random) -> str:
    """Mostly mobiles, sometimes a landline."""
    return landline(rng) if rng.random() < 0.12 else mobile(rng)
