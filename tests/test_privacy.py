"""Masking of phone and ID numbers inside longer texts — and what must stay untouched."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from warehouse.privacy import mask_frame, mask_text


def _id_number(rng: random.Random) -> str:
    body = f"320{rng.randint(100, 999)}{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + rng.choice("0123456789X")


def test_generated_mobiles_inside_text_are_masked():
    rng = random.Random(7)
    for _ in range(200):
        mobile = f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}"
        text = f"居民反映路灯不亮，联系电话{mobile}，请尽快处理。"
        got = mask_text(text)
        assert mobile not in got
        assert f"{mobile[:3]}****{mobile[-4:]}" in got
        assert got.startswith("居民反映路灯不亮，联系电话") and got.endswith("，请尽快处理。")


def test_generated_id_numbers_inside_text_are_masked_even_with_a_wrong_check_digit():
    rng = random.Random(11)
    for _ in range(200):
        idn = _id_number(rng)
        got = mask_text(f"身份证号{idn}的居民申请补贴")
        assert idn not in got
        assert f"{idn[:3]}{'*' * 11}{idn[-4:]}" in got


@pytest.mark.parametrize("text", [
    "区划代码320812010000",          # 12 digits: a town code
    "2023年3月5日召开，编号20230305",  # a date
    "账号6222021234567890123",         # 19 digits: not an ID
    "固定电话0517-83661234",           # a landline
    "共1236人参加",
    "10086",
])
def test_numbers_that_are_not_personal_stay_untouched(text):
    assert mask_text(text) == text


def test_mobile_with_separators_is_masked():
    assert mask_text("电话138-1234-5678") == "电话138****5678"
    assert mask_text("电话 138 1234 5678。") == "电话 138****5678。"


def test_several_numbers_in_one_text_are_all_masked():
    got = mask_text("张某13812345678，李某13987654321，身份证320802199001011234")
    assert got == "张某138****5678，李某139****4321，身份证320***********1234"


def test_none_and_empty_pass_through():
    assert mask_text(None) is None
    assert mask_text("") == ""


def test_mask_frame_masks_only_the_named_columns():
    df = pd.DataFrame({"content": ["电话13812345678", None], "id": ["13812345678", "x"]})
    got = mask_frame(df, ["content"])
    assert got["content"].tolist()[0] == "电话138****5678" and pd.isna(got["content"].tolist()[1])
    assert got["id"].tolist() == ["13812345678", "x"]
    assert df["content"][0] == "电话13812345678"  # the input is not changed
