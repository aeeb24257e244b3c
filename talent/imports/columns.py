"""The spreadsheet columns of each import kind (DESIGN §3), shared by import, export and templates.

A column has an English header (what `talent export` writes) and a Chinese one; either is accepted on import,
in any column order. Coded values are written as English codes and read as the English code or the Chinese word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from talent.people.models import ExitReason, ExitType, Gender, Source
from talent.places.models import CertLevel, Education, RegionLevel


@dataclass(frozen=True)
class Column:
    key: str  # the English header and the field name
    zh: str  # the Chinese header
    type: str = "str"  # str | date | bool | int | decimal | enum
    required: bool = False
    enum: type[Enum] | None = None
    max_length: int | None = None
    sensitive: bool = False  # masked in exports unless the viewer may see it

    @property
    def en(self) -> str:
        return self.key

    def header(self, locale: str) -> str:
        return self.zh if locale == "zh_CN" else self.en


YES_WORDS = {"yes", "y", "true", "1", "是", "对", "√"}
NO_WORDS = {"no", "n", "false", "0", "否", "不", "×"}

# Chinese words accepted for coded values (DESIGN §3); the English code is always accepted too.
CODE_WORDS: dict[type[Enum], dict[str, str]] = {
    RegionLevel: {
        "省": "province",
        "市": "city",
        "县": "county",
        "区": "county",
        "县区": "county",
        "乡镇": "township",
        "街道": "township",
        "乡镇街道": "township",
    },
    Gender: {"女": "female", "男": "male"},
    Education: {
        "中专": "secondary",
        "高中": "secondary",
        "大专": "associate",
        "本科": "bachelor",
        "硕士": "master",
        "博士": "doctorate",
    },
    CertLevel: {"助理社会工作师": "assistant", "社会工作师": "intermediate", "高级社会工作师": "senior"},
    Source: {
        "培育": "incubated",
        "本地培育": "incubated",
        "引进": "introduced",
        "外部引进": "introduced",
        "调入": "transferred",
        "调动": "transferred",
        "其他": "other",
    },
    ExitType: {
        "主动离职": "voluntary",
        "主动": "voluntary",
        "被动离职": "involuntary",
        "被动": "involuntary",
        "调动": "transfer",
        "退休": "retirement",
        "其他": "other",
    },
    ExitReason: {
        "薪酬": "pay",
        "待遇": "pay",
        "职业发展": "career",
        "家庭": "family",
        "深造": "study",
        "升学": "study",
        "工作量": "workload",
        "合同到期": "contract_end",
        "辞退": "dismissal",
        "健康": "health",
        "其他": "other",
    },
}


@dataclass(frozen=True)
class KindSpec:
    name: str
    columns: list[Column] = field(default_factory=list)
    natural_key: tuple[str, ...] = ()


KINDS: dict[str, KindSpec] = {
    "regions": KindSpec(
        "regions",
        [
            Column("code", "代码", required=True, max_length=12),
            Column("name", "名称", required=True, max_length=100),
            Column("level", "级别", "enum", required=True, enum=RegionLevel),
            Column("parent_code", "上级代码", max_length=12),
        ],
        ("code",),
    ),
    "stations": KindSpec(
        "stations",
        [
            Column("code", "站点编码", required=True, max_length=32),
            Column("name", "站点名称", required=True, max_length=200),
            Column("region_code", "所在乡镇（街道）代码", required=True, max_length=12),
            Column("organisation", "运营机构", max_length=200),
            Column("tier", "站点等级", max_length=100),
            Column("opened_on", "建站日期", "date"),
        ],
        ("code",),
    ),
    "workers": KindSpec(
        "workers",
        [
            Column("worker_no", "工号", required=True, max_length=32),
            Column("name", "姓名", required=True, max_length=50),
            Column("gender", "性别", "enum", enum=Gender),
            Column("birth_date", "出生日期", "date"),
            Column("education", "学历", "enum", enum=Education),
            Column("social_work_major", "社会工作专业", "bool"),
            Column("source", "来源", "enum", enum=Source),
            Column("phone", "手机号", max_length=32, sensitive=True),
            Column("id_number", "身份证号", max_length=18, sensitive=True),
        ],
        ("worker_no",),
    ),
    "employment": KindSpec(
        "employment",
        [
            Column("worker_no", "工号", required=True, max_length=32),
            Column("station_code", "站点编码", required=True, max_length=32),
            Column("start_on", "入职日期", "date", required=True),
            Column("end_on", "离职日期", "date"),
            Column("full_time", "全职", "bool"),
            Column("exit_type", "离职类型", "enum", enum=ExitType),
            Column("exit_reason", "离职原因", "enum", enum=ExitReason),
        ],
        ("worker_no", "station_code", "start_on"),
    ),
}
