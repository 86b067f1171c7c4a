"""Plausible Chinese names, people and places for demo data, all in one province (浙江省)."""

import random
from dataclasses import dataclass

from inspector import credit_code
from inspector.model import OrgKind

PROVINCE = "浙江省"


@dataclass(frozen=True)
class District:
    city: str
    name: str  # the county-level district; "" for a city-level authority
    division: str  # GB/T 2260 code

    @property
    def label(self) -> str:
        return self.name or self.city


DISTRICTS = (
    District("杭州市", "上城区", "330102"),
    District("杭州市", "拱墅区", "330105"),
    District("杭州市", "西湖区", "330106"),
    District("杭州市", "滨江区", "330108"),
    District("杭州市", "萧山区", "330109"),
    District("杭州市", "余杭区", "330110"),
    District("宁波市", "海曙区", "330203"),
    District("宁波市", "鄞州区", "330212"),
    District("温州市", "鹿城区", "330302"),
    District("温州市", "平阳县", "330326"),
    District("嘉兴市", "南湖区", "330402"),
    District("绍兴市", "越城区", "330602"),
    District("金华市", "婺城区", "330702"),
    District("台州市", "椒江区", "331002"),
)
CITY_DIVISIONS = {
    "杭州市": "330100",
    "宁波市": "330200",
    "温州市": "330300",
    "嘉兴市": "330400",
    "绍兴市": "330600",
    "金华市": "330700",
    "台州市": "331000",
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌浩宇欣怡晨阳俊峰海燕雪梅婷慧佳琳"
STREETS = (
    "文三路",
    "教工路",
    "庆春路",
    "延安路",
    "中山北路",
    "解放路",
    "人民路",
    "世纪大道",
    "江南大道",
    "钱江路",
    "学院路",
    "东风路",
    "复兴路",
    "环城西路",
    "凤起路",
    "建设一路",
)
TRADES = (
    "电子商务",
    "软件",
    "餐饮",
    "服装",
    "物流",
    "建筑业",
    "机械工业",
    "茶叶",
    "旅游",
    "摄影家",
    "书法家",
    "老年体育",
    "青年企业家",
    "律师",
    "注册会计师",
    "汽车维修",
    "家具",
    "纺织",
    "光伏",
    "食品工业",
    "美容美发",
    "物业管理",
    "民宿",
    "跨境电商",
    "人工智能",
    "中医药",
    "会展",
    "印刷",
    "眼镜",
    "五金",
    "船舶",
    "渔业",
    "花卉",
    "电梯",
    "安全生产",
    "信息安全",
)
GROUP_SUFFIXES = ("协会", "商会", "学会", "研究会", "联合会", "促进会")
GOOD_WORDS = (
    "阳光",
    "康乐",
    "明德",
    "启航",
    "智慧树",
    "爱心",
    "和美",
    "东方",
    "春晖",
    "博雅",
    "瑞丰",
    "安康",
    "睿智",
    "新星",
    "同心",
    "乐龄",
    "善行",
    "益友",
    "彩虹",
    "晨曦",
    "思源",
    "知行",
)
SERVICE_SUFFIXES = (
    "养老院",
    "培训学校",
    "幼儿园",
    "社会工作服务中心",
    "康复中心",
    "职业技能培训学校",
    "文化艺术培训中心",
    "居家养老服务中心",
    "心理咨询服务中心",
)
FOUNDATION_PURPOSES = (
    "慈善",
    "教育",
    "文化发展",
    "助学",
    "医疗救助",
    "乡村振兴",
    "环境保护",
    "青少年发展",
)
SUPERVISORS = (
    "经济和信息化局",
    "商务局",
    "教育局",
    "文化广电旅游局",
    "卫生健康委员会",
    "科学技术协会",
    "市场监督管理局",
    "",
)
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_KIND_DIGIT = {OrgKind.SOCIAL_GROUP: "1", OrgKind.SOCIAL_SERVICE: "2", OrgKind.FOUNDATION: "3"}


def person(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def address(rng: random.Random, district: District) -> str:
    return f"{PROVINCE}{district.city}{district.name}{rng.choice(STREETS)}{rng.randint(1, 999)}号"


def org_name(rng: random.Random, kind: OrgKind, district: District) -> str:
    place = district.label.removesuffix("区").removesuffix("县").removesuffix("市")
    if kind is OrgKind.SOCIAL_GROUP:
        return f"{place}{rng.choice(GOOD_WORDS)}{rng.choice(TRADES)}{rng.choice(GROUP_SUFFIXES)}"
    if kind is OrgKind.SOCIAL_SERVICE:
        return f"{place}{rng.choice(GOOD_WORDS)}{rng.choice(SERVICE_SUFFIXES)}"
    return f"{place}{rng.choice(GOOD_WORDS)}{rng.choice(FOUNDATION_PURPOSES)}基金会"


def credit_code_for(rng: random.Random, kind: OrgKind, division: str) -> str:
    """A code that passes both the GB 32100 and the GB 11714 checks."""
    body = "MJ" + "".join(rng.choice(credit_code.ALPHABET) for _ in range(6))
    first17 = f"5{_KIND_DIGIT[kind]}{division}{body}{_org_code_check(body)}"
    return first17 + credit_code.check_character(first17)


def _org_code_check(body: str) -> str:
    values = (int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10 for ch in body)
    total = sum(v * w for v, w in zip(values, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))
