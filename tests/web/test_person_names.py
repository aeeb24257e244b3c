"""A person's name is 姓名 in Chinese; the shared "Name" (名称) names places and things. Every list of people says
姓名 over its names, in its columns and in its downloads (found on the national demo's /pay, whose workers' column
read 名称)."""

import csv
import io
import re
from datetime import date
from html import unescape

import pytest

from courses.catalog.models import Course
from talent.demo import load_demo
from tests.conftest import login

TODAY = date(2026, 11, 27)
ZH = {"Accept-Language": "zh-CN"}
HEADER = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
TAG = re.compile(r"<[^>]+>")


def headers_of(html: str) -> list[str]:
    return [unescape(TAG.sub("", cell)).strip() for cell in HEADER.findall(html)]


@pytest.fixture
async def demo(db):
    await load_demo(scale="small", seed=2026, today=TODAY)


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("hr", "/pay"),
        ("admin", "/admin/users"),
        ("citybureau", "/reports/list/headcount"),
        ("citybureau", "/reports/list/separations"),
        ("citybureau", "/reports/list/renewal_open"),
    ],
)
async def test_a_list_of_people_heads_its_names_full_name_in_chinese(client, demo, role, url):
    await login(client, role, "talent-demo-2026")
    response = await client.get(url, headers=ZH)
    assert response.status_code == 200
    headers = headers_of(response.text)
    assert "姓名" in headers and "名称" not in headers, headers


async def test_a_courses_learners_are_headed_by_their_full_name_in_chinese(client, demo):
    course = await Course.filter(enrolments__id__isnull=False).first()
    await login(client, "admin", "talent-demo-2026")
    headers = headers_of((await client.get(f"/courses/{course.id}/enrolments", headers=ZH)).text)
    assert "姓名" in headers and "名称" not in headers, headers


@pytest.mark.parametrize(
    ("role", "url"), [("hr", "/pay/export?format=csv"), ("admin", "/admin/users/export?format=csv")]
)
async def test_a_download_of_people_heads_its_names_full_name_in_chinese(client, demo, role, url):
    await login(client, role, "talent-demo-2026")
    response = await client.get(url, headers=ZH)
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "姓名" in header and "名称" not in header, header
