import math

import pandas as pd
import pytest

from svc_analysis.core.masking import PERSONAL_COLUMNS, find_unmasked, mask_frame, mask_id, mask_text, mask_value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # mobiles: plain, separated, +86, full-width, inside Chinese text
        ("13812345678", "138****5678"),
        ("电话：138-1234-5678。", "电话：138****5678。"),
        ("手机 139 8765 4321 请回电", "手机 139****4321 请回电"),
        ("+86 13812345678", "+86 138****5678"),
        ("+8613812345678", "+86138****5678"),
        ("１３８１２３４５６７８", "138****5678"),
        ("客户来电15900001111反映", "客户来电159****1111反映"),
        # landlines: area code kept, last 2 digits kept
        ("027-87654321", "027-******21"),
        ("座机（0755）87654321", "座机（0755）******21"),
        ("010 6543210", "010 *****10"),
        # 18-digit ID numbers, X in either case
        ("身份证110101199001011234", "身份证1101**********1234"),
        ("证件号42010619850312002X。", "证件号4201**********002X。"),
        ("id 42010619850312002x", "id 4201**********002X"),
        # bank cards: 16-19 digits, contiguous or in groups of 4
        ("卡号6222021234567890", "卡号6222********7890"),
        ("卡号6222 0212 3456 7890 123", "卡号6222***********0123"),
        ("6217-0000-1111-2222", "6217********2222"),
        # emails
        ("邮箱zhangsan@163.com", "邮箱z***@163.com"),
        ("mail: li.si+bank@example.com.cn", "mail: l***@example.com.cn"),
        # names after strong cues
        ("姓名：张三丰，电话13812345678", "姓名：张**，电话138****5678"),
        ("我叫王小明", "我叫王**"),
        ("我叫欧阳娜娜", "我叫欧阳**"),
        ("联系人是李四。", "联系人是李*。"),
        ("联系人李明说的", "联系人李*说的"),
        # names after weak cues
        ("客户张三反映柜员态度差", "客户张*反映柜员态度差"),
        ("客户李明明", "客户李**"),
        ("本人刘洋在贵行办理业务", "本人刘*在贵行办理业务"),
    ],
)
def test_mask_text_masks(text, expected):
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "金额12345678.50元",
        "2026-10-01 09:30:00至2026-10-31 18:00",
        "20261001",
        "请拨打95588或400-820-8820",
        "投诉编号TS202610010001",
        "排队号A0123，工单号2026100112345",
        "满意度0.8533333333333334",
        "客户经理未解释清楚",
        "客户向网点反映排队时间长",
        "客户余额为0",
        "本人于昨日到网点",
        "客户王先生来电",
        "联系人：陈女士",
        "联系人电话未留",
        "客户满意度提升",
        "共1381234567人",  # 10 digits: not a mobile
        "编号138123456789",  # 12 digits: not a mobile
        "",
    ],
)
def test_mask_text_leaves_non_personal_text_alone(text):
    assert mask_text(text) == text


@pytest.mark.parametrize("value", [None, 12345, 1.5])
def test_mask_text_passes_non_text_through(value):
    assert mask_text(value) == value
    assert math.isnan(mask_text(float("nan")))


def test_mask_text_is_idempotent():
    text = "客户张三，电话13812345678，身份证110101199001011234，027-87654321"
    once = mask_text(text)
    assert mask_text(once) == once
    assert find_unmasked(once) == []


def test_find_unmasked_lists_readable_numbers():
    text = "a 13812345678 b 110101199001011234 c 6222021234567890 d 027-87654321 e 138****5678"
    assert find_unmasked(text) == ["13812345678", "110101199001011234", "6222021234567890", "027-87654321"]


def test_find_unmasked_ignores_fractions_hotlines_and_embedded_images():
    html = (
        '<td>0.8533333333333334</td><td>95588</td><img src="data:image/png;base64,iVBOR13812345678w0KGgo=">'
        "<p>138****5678, 1101**********1234</p>"
    )
    assert find_unmasked(html) == []


def test_personal_columns_come_from_the_contract():
    assert set(PERSONAL_COLUMNS) == {"customer_id", "customer_phone", "description", "comment"}


def test_mask_id_keeps_last_four():
    assert mask_id("C000123456") == "****3456"
    assert mask_id("123") == "****"
    assert mask_id(987654321) == "****4321"
    assert mask_id(None) is None


def test_mask_frame_masks_personal_and_requested_columns_without_touching_input():
    df = pd.DataFrame(
        {
            "complaint_id": ["TS001", "TS002", "TS003"],
            "customer_id": ["C000123456", None, "C9"],
            "customer_phone": ["13812345678", "87654321", None],
            "description": ["客户张三反映排队久", "电话027-87654321", None],
            "note": ["回电13900001111", "无", None],
            "amount": [100, 200, 300],
        }
    )
    before = df.copy()
    out = mask_frame(df, columns=["note"])
    pd.testing.assert_frame_equal(df, before)
    assert list(out["complaint_id"]) == ["TS001", "TS002", "TS003"]
    assert out["customer_id"].tolist()[0] == "****3456"
    assert pd.isna(out["customer_id"].tolist()[1])
    assert out["customer_id"].tolist()[2] == "****"
    # a phone the rules do not recognise (no area code) still keeps only its last 4 digits
    assert out["customer_phone"].tolist()[:2] == ["138****5678", "****4321"]
    assert out["description"].tolist()[:2] == ["客户张*反映排队久", "电话027-******21"]
    assert out["note"].tolist()[:2] == ["回电139****1111", "无"]
    assert list(out["amount"]) == [100, 200, 300]


def test_mask_frame_masks_numbers_stored_as_integers():
    out = mask_frame(pd.DataFrame({"customer_phone": [13812345678]}))
    assert out["customer_phone"].tolist() == ["138****5678"]


def test_mask_frame_rejects_unknown_column():
    with pytest.raises(KeyError, match="nope"):
        mask_frame(pd.DataFrame({"a": ["x"]}), columns=["nope"])


def test_mask_frame_without_personal_columns_is_a_copy():
    df = pd.DataFrame({"outlet_id": ["O1"], "value": [0.5]})
    out = mask_frame(df)
    pd.testing.assert_frame_equal(out, df)
    assert out is not df


def test_mask_value_follows_the_column_rule():
    assert mask_value("customer_id", "C000123456") == "****3456"
    assert mask_value("customer_phone", "87654321") == "****4321"
    assert mask_value("description", "电话13812345678") == "电话138****5678"
    assert mask_value("outlet_id", "O99") == "O99"
    assert mask_value("description", None) is None
