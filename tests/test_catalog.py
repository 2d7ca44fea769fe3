"""The plan catalog: ten areas without f, i, j; six channels exactly as DESIGN.md lists them."""

from reporting.catalog import AREA_LETTERS, AREAS, CHANNELS, GROUPS


def test_ten_areas_in_vietnamese_lettering():
    assert AREA_LETTERS == ("a", "b", "c", "d", "e", "g", "h", "k", "l", "m")
    assert not {"f", "i", "j"} & set(AREA_LETTERS)


def test_every_area_has_label_and_plan_text():
    for area in AREAS:
        assert area.label and len(area.label) < 70
        assert area.text.startswith(("Tuyên truyền", "Phổ biến"))


def test_channels_exactly_as_design():
    assert [(c.number, c.code, c.label) for c in CHANNELS] == [
        (1, "meeting", "Lồng ghép hội nghị, tập huấn, cuộc họp"),
        (2, "web_section", "Chuyên trang, chuyên mục CCHC"),
        (3, "web_news", "Tin bài trên trang thông tin điện tử"),
        (4, "visual", "Trực quan (pano, áp phích, khẩu hiệu, băng rôn)"),
        (5, "social", "Fanpage Facebook, nhóm Zalo"),
        (6, "other", "Khác"),
    ]


def test_unit_groups():
    assert [g.code for g in GROUPS] == ["phong", "truc_thuoc", "doan_the"]
