"""The 2023 plan's catalog: ten content areas, six channels and the unit groups.

Content areas use Vietnamese lettering, which skips f, i and j: "a–m" means these ten, never thirteen.
Texts are taken from plan-2023.md, section II.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    letter: str
    label: str
    text: str


@dataclass(frozen=True)
class Channel:
    number: int
    code: str
    label: str


AREAS: tuple[Area, ...] = (
    Area(
        "a",
        "Vai trò, trách nhiệm của cấp ủy, người đứng đầu",
        "Tuyên truyền vai trò, trách nhiệm của các cấp ủy đảng, đoàn thể, của người đứng đầu cơ quan hành "
        "chính các cấp, người đứng đầu các tổ chức chính trị - xã hội, các đơn vị sự nghiệp công lập đối với "
        "việc triển khai thực hiện các nhiệm vụ cải cách hành chính ở từng cơ quan, đơn vị.",
    ),
    Area(
        "b",
        "Tầm quan trọng, mục tiêu của CCHC; Chương trình CCHC 2021–2030",
        "Tuyên truyền, phổ biến sâu rộng về tầm quan trọng, ý nghĩa, mục tiêu và tác động của CCHC đến phát "
        "triển kinh tế, xã hội của tỉnh cũng như của ngành, trong đó tập trung tuyên truyền, phổ biến, quán "
        "triệt các quan điểm, chủ trương của Đảng, chính sách, pháp luật của Nhà nước, của tỉnh về cải cách "
        "hành chính. Tuyên truyền Chương trình cải cách hành chính giai đoạn 2021-2030 của Chính phủ, các mục "
        "tiêu, nhiệm vụ và giải pháp cụ thể được nêu tại Quyết định số 3809/QĐ-UBND ngày 14/09/2021 về việc "
        "ban hành Kế hoạch thực hiện Nghị quyết số 76/NQ-CP ngày 15 tháng 7 năm 2021 của Chính phủ và Chương "
        "trình hành động số 09-Ctr/TU ngày 14/5/2021 của Tỉnh ủy thực hiện Nghị quyết Đại hội XX Đảng bộ tỉnh, "
        "Nghị quyết đại hội Đảng toàn quốc lần thứ XIII về cải cách hành chính, trọng tâm là tiếp tục đẩy mạnh "
        "cải cách thủ tục hành chính giai đoạn 2020 -2025 và kết quả triển khai thực hiện.",
    ),
    Area(
        "c",
        "Văn bản pháp luật mới, chỉ đạo về CCHC",
        "Tuyên truyền, phổ biến các văn bản quy phạm pháp luật mới ban hành, văn bản chỉ đạo của Trung ương "
        "và của tỉnh về công tác CCHC về lĩnh vực quản lý nhà nước của Sở.",
    ),
    Area(
        "d",
        "Đề án nâng cao chất lượng phục vụ; dịch vụ công trực tuyến",
        "Phổ biến, quán triệt đến đội ngũ công chức, viên chức, người lao động về các quan điểm, mục tiêu, "
        "nội dung, nhiệm vụ của Đề án “Đổi mới và nâng cao chất lượng phục vụ người dân, doanh nghiệp trong "
        "giải quyết thủ tục hành chính trên địa bàn tỉnh Bình Định” ban hành kèm theo Quyết định số "
        "4567/QĐ-UBND ngày 30 tháng 12 năm 2022 của Ủy ban nhân dân tỉnh và Đề án “Phát huy vai trò của đoàn "
        "viên, thanh niên trong việc thực hiện Dịch vụ công trực tuyến mức độ 3, mức độ 4 giai đoạn 2022 – "
        "2027” ban hành kèm theo Quyết định số 5299/QĐ-UBND ngày 30 tháng 12 năm 2021 của Ủy ban nhân dân "
        "tỉnh.",
    ),
    Area(
        "e",
        "Tổ chức bộ máy, tinh giản biên chế, kỷ cương công vụ",
        "Tuyên truyền, phổ biến đến công chức, viên chức, người lao động về cải cách tổ chức bộ máy, tinh "
        "giản biên chế, đào tạo, bồi dưỡng; kỷ cương, kỷ luật hành chính, tinh thần trách nhiệm, đạo đức "
        "công vụ của đội ngũ cán bộ, công chức, viên chức và người đứng đầu các phòng, đơn vị.",
    ),
    Area(
        "g",
        "Kết quả CCHC: PAR Index, EGI, DDCI, SIPAS",
        "Phổ biến các kết quả thực hiện công tác cải cách hành chính: Chỉ số cải cách hành chính (Par Index); "
        "chỉ số “Đánh giá xếp hạng mức độ ứng dụng công nghệ thông tin của các cơ quan nhà nước trên địa bàn "
        "tỉnh” (EGI); chỉ số “Năng lực cạnh tranh cấp sở, ban, ngành, Ủy ban nhân dân cấp huyện” (DDCI); chỉ "
        "số “Hài lòng của người dân về sự phục vụ hành chính” (SIPAS) phục vụ cho công tác chỉ đạo điều hành "
        "cải cách hành chính.",
    ),
    Area(
        "h",
        "Ứng dụng CNTT, chính quyền điện tử, chuyển đổi số",
        "Tuyên truyền về việc đẩy mạnh ứng dụng công nghệ thông tin trong công tác tập huấn, bồi dưỡng cán "
        "bộ, công chức, viên chức thực hiện công tác cải cách hành chính; xây dựng và phát triển Chính quyền "
        "điện tử, công tác chuyển đổi số trong các cơ quan, đơn vị, thực hiện các nhiệm vụ về ứng dụng công "
        "nghệ thông tin trong hoạt động của các cơ quan hành chính nhà nước.",
    ),
    Area(
        "k",
        "Công khai TTHC nội bộ, đường dây nóng, thái độ phục vụ",
        "Tuyên truyền, giới thiệu công khai thủ tục hành chính nội bộ; các địa chỉ, điện thoại đường dây "
        "nóng tiếp nhận phản ánh, kiến nghị về thủ tục hành chính; quy định hành chính, tinh thần trách "
        "nhiệm, thái độ giao tiếp, ứng xử của cán bộ, công chức, viên chức với công dân trên Cổng thông tin "
        "điện tử tỉnh, Trang thông tin điện tử của cơ quan, đơn vị.",
    ),
    Area(
        "l",
        "Quan hệ Nhà nước – Nhân dân; giám sát CCHC",
        "Tuyên truyền các nội dung, quy định của pháp luật về mối quan hệ giữa Nhà nước và Nhân dân, nhiệm vụ "
        "của cán bộ, công chức, viên chức trong giải quyết các công việc của công dân; quyền, nghĩa vụ và "
        "trách nhiệm của cá nhân, tổ chức trong việc tham gia và giám sát quá trình cải cách hành chính.",
    ),
    Area(
        "m",
        "Năng lực đội ngũ làm CCHC; Đề án 06 dữ liệu dân cư",
        "Tuyên truyền nội dung Đề án “Tăng cường năng lực đội ngũ cán bộ, công chức thực hiện công tác cải "
        "cách hành chính giai đoạn 2022 - 2030” theo Quyết định số 4599/QĐ-UBND ngày 31 tháng 12 năm 2022 "
        "của Ủy ban nhân dân tỉnh về việc ban hành Kế hoạch thực hiện Quyết định số 905/QĐ-BNV ngày 17 tháng "
        "11 năm 2022 của Bộ trưởng Bộ Nội vụ phê duyệt Đề án “Tăng cường năng lực đội ngũ cán bộ, công chức "
        "thực hiện công tác cải cách hành chính giai đoạn 2022 – 2030” trên địa bàn tỉnh; tình hình, kết quả "
        "thực hiện các nội dung Đề án phát triển ứng dụng dữ liệu dân cư, định danh và xác thực điện tử phục "
        "vụ chuyển đổi số quốc gia giai đoạn 2022 – 2025, tầm nhìn đến năm 2030 trên địa bàn tỉnh theo Quyết "
        "định số 888/QĐ-UBND ngày 21 tháng 3 năm 2022 của Ủy ban nhân dân tỉnh.",
    ),
)

AREA_LETTERS: tuple[str, ...] = tuple(a.letter for a in AREAS)
AREA_BY_LETTER: dict[str, Area] = {a.letter: a for a in AREAS}

CHANNELS: tuple[Channel, ...] = (
    Channel(1, "meeting", "Lồng ghép hội nghị, tập huấn, cuộc họp"),
    Channel(2, "web_section", "Chuyên trang, chuyên mục CCHC"),
    Channel(3, "web_news", "Tin bài trên trang thông tin điện tử"),
    Channel(4, "visual", "Trực quan (pano, áp phích, khẩu hiệu, băng rôn)"),
    Channel(5, "social", "Fanpage Facebook, nhóm Zalo"),
    Channel(6, "other", "Khác"),
)
CHANNEL_CODES: tuple[str, ...] = tuple(c.code for c in CHANNELS)
CHANNEL_BY_CODE: dict[str, Channel] = {c.code: c for c in CHANNELS}

# Channels whose "Số lượng" counts items (articles, posters…) rather than sessions; exports show the sum.
ITEM_CHANNELS: frozenset[str] = frozenset({"web_section", "web_news", "visual", "social"})
# What their "Số lượng" counts, in words: a sum is only ever shown per channel, with its noun.
ITEM_NOUNS: dict[str, str] = {
    "web_section": "bài",
    "web_news": "tin, bài",
    "visual": "sản phẩm",
    "social": "bài đăng",
}


@dataclass(frozen=True)
class Group:
    code: str
    label: str


GROUPS: tuple[Group, ...] = (
    Group("phong", "Phòng chuyên môn, nghiệp vụ"),
    Group("truc_thuoc", "Đơn vị trực thuộc"),
    Group("doan_the", "Đoàn thể"),
)
GROUP_BY_CODE: dict[str, Group] = {g.code: g for g in GROUPS}
