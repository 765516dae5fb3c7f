#!/usr/bin/env python3
"""Generate a realistic synthetic province of school students with planted duplicates.

The province is shaped like Đắk Nông: 8 districts, 71 communes (the real list the project
ships in data/dak-nong-units.csv, embedded here so the script stands alone), ~400 schools.
Names follow skewed, realistic Vietnamese frequencies so that common names collide, and the
province holds the hard negatives real data has: siblings (same parent, same village) and
twins (same parent, same date of birth).

Each planted duplicate is a copy of an original child listed again at another school, in
one of five kinds:
  a  same student code at another school (name re-typed identically, sometimes unaccented)
  b  name typed without accents, another code or none
  c  one typo in the name (letter substituted / dropped / transposed, or a diacritic changed),
     another code
  d  another code, name exact
  e  given and middle name swapped, or parent missing + village re-typed + class changed

Output: CSV (UTF-8) with header
  record_id,cluster_id,student_code,full_name,gender,dob,school_code,class_name,village,
  commune,parent_name,kind
cluster_id is the record_id of the original child; `kind` is empty for originals.
Deterministic for a given --seed (no iteration over sets or hash-dependent order).

Usage: python3 generate.py --students 100000 --duplicates 3000 --seed 2022 --out province.csv
"""

import argparse
import bisect
import csv
import json
import random
import re
import sys
import unicodedata
from datetime import date, timedelta

# --------------------------------------------------------------------------------------
# Geography: districts and communes of Đắk Nông (as in the project's data file).
# --------------------------------------------------------------------------------------

DISTRICTS = {
    "660": "Thành phố Gia Nghĩa",
    "661": "Huyện Đắk Glong",
    "662": "Huyện Cư Jút",
    "663": "Huyện Đắk Mil",
    "664": "Huyện Krông Nô",
    "665": "Huyện Đắk Song",
    "666": "Huyện Đắk R'Lấp",
    "667": "Huyện Tuy Đức",
}

COMMUNES = {
    "660": ["Phường Nghĩa Đức", "Phường Nghĩa Thành", "Phường Nghĩa Phú", "Phường Nghĩa Tân",
            "Phường Nghĩa Trung", "Phường Quảng Thành", "Xã Đắk Nia", "Xã Đắk R'Moan"],
    "661": ["Xã Quảng Khê", "Xã Đắk Ha", "Xã Đắk Plao", "Xã Đắk R'Măng", "Xã Đắk Som",
            "Xã Quảng Hòa", "Xã Quảng Sơn"],
    "662": ["Thị trấn Ea T'Ling", "Xã Cư K'Nia", "Xã Đắk D'Rông", "Xã Đắk Wil", "Xã Ea Pô",
            "Xã Nam Dong", "Xã Tâm Thắng", "Xã Trúc Sơn"],
    "663": ["Thị trấn Đắk Mil", "Xã Đắk Gằn", "Xã Đắk Lao", "Xã Đắk N'Drót", "Xã Đắk R'La",
            "Xã Đắk Sắk", "Xã Đức Mạnh", "Xã Đức Minh", "Xã Long Sơn", "Xã Thuận An"],
    "664": ["Thị trấn Đắk Mâm", "Xã Buôn Choáh", "Xã Đắk Drô", "Xã Đắk Nang", "Xã Đắk Sôr",
            "Xã Đức Xuyên", "Xã Nam Đà", "Xã Nam Xuân", "Xã Nâm N'Đir", "Xã Nâm Nung",
            "Xã Quảng Phú", "Xã Tân Thành"],
    "665": ["Thị trấn Đức An", "Xã Đắk Hòa", "Xã Đắk Môl", "Xã Đắk N'Drung", "Xã Nam Bình",
            "Xã Nâm N'Jang", "Xã Thuận Hà", "Xã Thuận Hạnh", "Xã Trường Xuân"],
    "666": ["Thị trấn Kiến Đức", "Xã Đạo Nghĩa", "Xã Đắk Ru", "Xã Đắk Sin", "Xã Đắk Wer",
            "Xã Hưng Bình", "Xã Kiến Thành", "Xã Nghĩa Thắng", "Xã Nhân Cơ", "Xã Nhân Đạo",
            "Xã Quảng Tín"],
    "667": ["Xã Đắk Buk So", "Xã Đắk Ngo", "Xã Đắk R'Tíh", "Xã Quảng Tâm", "Xã Quảng Tân",
            "Xã Quảng Trực"],
}

# Share of ethnic-minority children by district (remote districts have more).
DISTRICT_MINORITY = {"660": 0.02, "661": 0.08, "662": 0.05, "663": 0.03,
                     "664": 0.06, "665": 0.04, "666": 0.03, "667": 0.09}

# --------------------------------------------------------------------------------------
# Names. Weights are percentages (or relative weights); ranks give Zipf-like skew.
# --------------------------------------------------------------------------------------

KINH_FAMILY = [
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 5.0),
    ("Huỳnh", 4.0), ("Phan", 4.5), ("Vũ", 3.0), ("Võ", 3.0), ("Đặng", 2.1), ("Bùi", 2.0),
    ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5),
    # a tail of other Kinh family names
    ("Đinh", 0.35), ("Trương", 0.35), ("Đào", 0.3), ("Mai", 0.25), ("Lương", 0.2),
    ("Cao", 0.2), ("Lâm", 0.15), ("Tạ", 0.12), ("Hà", 0.15), ("Châu", 0.1), ("Tô", 0.1),
    ("Phùng", 0.08), ("Thái", 0.08),
]

# Given names ranked by popularity (rank 1 first); drawn with Zipf–Mandelbrot weights.
BOY_GIVEN = [
    "Huy", "Minh", "Khang", "Bảo", "Phúc", "Anh", "Khoa", "Phát", "Đạt", "Khôi", "Long",
    "Nam", "Duy", "Quân", "Kiệt", "Thịnh", "Tuấn", "Hưng", "Hoàng", "Hiếu", "Nhân", "Trí",
    "Tài", "Phong", "Nguyên", "An", "Thành", "Hải", "Hào", "Tín", "Lộc", "Thắng", "Vinh",
    "Tú", "Sơn", "Dũng", "Hùng", "Quang", "Trung", "Tâm", "Toàn", "Hậu", "Lâm", "Vũ",
    "Hiển", "Đức", "Cường", "Khải", "Thiện", "Thái", "Tùng", "Kiên", "Quý", "Mạnh", "Hòa",
    "Lân", "Nghĩa", "Phước", "Tiến", "Việt", "Công", "Luân",
]
GIRL_GIVEN = [
    "Anh", "Linh", "Ngọc", "Vy", "Trang", "Nhi", "Hân", "Thư", "Hương", "Thảo", "Như",
    "Quỳnh", "Uyên", "Hà", "Trâm", "My", "Mai", "Yến", "Nhung", "Hoa", "Phương", "Hằng",
    "Ngân", "Hiền", "Giang", "Châu", "Diệp", "Tiên", "Lan", "Thủy", "Nga", "Dung", "Duyên",
    "Huyền", "Hạnh", "Loan", "Oanh", "Thu", "Vân", "Xuân", "Tuyết", "Ly", "Trinh", "Kiều",
    "Lam", "Thanh", "Thúy", "Nhàn", "Trúc", "Hậu", "Diễm", "Hồng", "Nguyệt", "Khánh",
    "Tâm", "Hòa", "Phượng", "Lệ", "Ánh", "Bích", "Thơ", "An",
]

BOY_MIDDLE = [
    ("Văn", 35), ("Minh", 8), ("Đức", 6), ("Gia", 6), ("Quốc", 5), ("Bảo", 5), ("Hữu", 4),
    ("Thanh", 4), ("Hoàng", 4), ("Anh", 3), ("Công", 3), ("Đình", 3), ("Nhật", 3),
    ("Quang", 3), ("Ngọc", 2), ("Xuân", 2), ("Tuấn", 2), ("Trung", 2), ("Thành", 2),
    ("Khánh", 2), ("Trọng", 2), ("Duy", 2), ("Tấn", 2), ("Phúc", 1), ("Thái", 1),
    ("Hải", 1), ("Trí", 1),
]
GIRL_MIDDLE = [
    ("Thị", 45), ("Ngọc", 8), ("Thu", 4), ("Kim", 4), ("Thanh", 4), ("Bảo", 4), ("Mỹ", 3),
    ("Hồng", 3), ("Khánh", 3), ("Minh", 3), ("Phương", 3), ("Thảo", 2), ("Hoài", 2),
    ("Ánh", 2), ("Như", 2), ("Quỳnh", 2), ("Gia", 2), ("Diệu", 1), ("Yến", 1), ("Hà", 1),
    ("Tuyết", 1), ("Lan", 1), ("Cẩm", 1), ("Bích", 1), ("Xuân", 1),
]

# Parents are adults: older-style given names, more Văn / Thị.
FATHER_GIVEN = [
    "Hùng", "Dũng", "Tuấn", "Hải", "Sơn", "Thắng", "Minh", "Nam", "Hòa", "Bình", "Cường",
    "Quang", "Thành", "Hưng", "Trung", "Long", "Lâm", "Phương", "Tùng", "Hiếu", "Tiến",
    "Toàn", "Vinh", "Việt", "Đức", "Thanh", "Hà", "Tâm", "Tú", "Lợi", "Phú", "Tài", "Sáu",
    "Ba", "Bảy", "Tư", "Mạnh", "Khánh", "Chiến", "Thọ", "Lực", "Thuận", "Hoàng", "Huấn",
    "Kiên", "Nghĩa", "Phong", "Quý", "Sang", "Thịnh",
]
MOTHER_GIVEN = [
    "Hoa", "Lan", "Hương", "Huệ", "Hằng", "Hạnh", "Hiền", "Hồng", "Liên", "Loan", "Lý",
    "Mai", "Nga", "Nguyệt", "Nhung", "Oanh", "Phượng", "Tâm", "Thảo", "Thơ", "Thu", "Thủy",
    "Trang", "Tuyết", "Vân", "Xuân", "Yến", "Dung", "Duyên", "Hà", "Hòa", "Hường", "Lệ",
    "Linh", "Liễu", "Ngân", "Phương", "Quyên", "Sen", "Thắm", "Thanh", "Thúy", "Trinh",
    "Uyên", "Bích", "Châu", "Diệp", "Gấm", "Hải", "Kim",
]
FATHER_MIDDLE = [("Văn", 55), ("Đức", 6), ("Minh", 6), ("Hữu", 5), ("Quốc", 4),
                 ("Thanh", 4), ("Xuân", 4), ("Đình", 4), ("Công", 4), ("Ngọc", 3),
                 ("Quang", 3), ("Trọng", 2), ("Tấn", 2), ("Hồng", 2)]
MOTHER_MIDDLE = [("Thị", 70), ("Ngọc", 5), ("Thu", 4), ("Kim", 4), ("Thanh", 4),
                 ("Hồng", 3), ("Minh", 2), ("Phương", 3), ("Bích", 3), ("Mỹ", 2)]

# Ethnic minorities. Local Central Highlands peoples (M'Nông, Ê Đê, Mạ) use a leading
# gender word (Y for boys, H' for girls, K' for Mạ) or the surname Điểu / Thị; northern
# migrants (Tày, Nùng, Thái, H'Mông, Dao) use surnames Nông, Lường, Giàng, Sùng, Triệu.
LOCAL_MIN_GIVEN = [
    "Bliêng", "Brông", "Bri", "Drang", "Glông", "Hơn", "Jang", "Khuê", "Lin", "Mai", "Ngơn",
    "Nhung", "Prăng", "Rin", "Sang", "Thuý", "Trang", "Ưng", "Bông", "Hiêng", "Duyên",
    "Rơi", "Đam", "Brắk", "Srê", "Nhơn", "Thương", "Huê", "Bơ", "Blum", "Jơ", "Kriêng",
    "Lơ", "Măng", "Nhai", "Pang", "Pơ", "Rlong", "Sơm", "Tơ", "Wơn", "Ngưh", "Bup", "Đơng",
    "Glung", "Hruê", "Jiên", "Kuê", "Bích", "Hoa", "Lành", "Điêu",
]
HMONG_GIVEN = ["Sử", "Páo", "Chứ", "Dơ", "Pó", "Sình", "Mỷ", "Dua", "Say", "Chía", "Mua",
               "Lử", "Vàng", "Xía", "Chinh", "Tủa", "Phừ", "Pàng", "Súa", "Của", "Mí", "Nhìa",
               "Tráng", "Dế", "Lềnh", "Xá", "Chống", "Khua", "Mây", "Dình", "Sểnh", "Lù",
               "Chư", "Thào", "Vư", "Nủ"]

# --------------------------------------------------------------------------------------
# Villages.
# --------------------------------------------------------------------------------------

NAMED_THON = ["Tân Lập", "Tân Thịnh", "Đức Thành", "Nam Tiến", "Quảng Hợp", "Thuận Tình",
              "Sơn Thượng", "Bắc Sơn", "Trung Sơn", "Đông Sơn", "Hòa Thuận", "Xuân Hòa",
              "Đoàn Kết", "Tân Bình", "Phú Xuân", "Kiến Xuân", "Tân Hiệp", "Thanh Sơn",
              "Tân Phú", "Nam Hòa", "Quyết Thắng", "Hòa Bình"]
BON_NAMES = ["Bu Prăng", "Bu Dăr", "Ja Ráh", "N'Jang Bơ", "Sa Pa", "Bu Sop", "R'Muông",
             "Phai Kol Pru Đăng", "Broih", "Ja Lú", "Bu Nor", "Đắk Mrê", "Bu Đắk", "Ting Wel",
             "Jun Juh", "Bu Koh", "Pi Nao", "Bu N'Đơr", "Đơng Bơk", "Bu Rwah"]

# Similar given names used for some twins (hard negatives).
SIMILAR_TWIN_NAMES = {
    "Nam": [("An", "Anh"), ("Long", "Lân"), ("Minh", "Mạnh"), ("Phúc", "Phước"),
            ("Khôi", "Khải"), ("Tuấn", "Tú"), ("Hiếu", "Hiển"), ("Thịnh", "Thành"),
            ("Huy", "Hùng"), ("Đạt", "Đức")],
    "Nữ": [("Trang", "Trâm"), ("Thư", "Thu"), ("Vy", "My"), ("Nhi", "Như"),
           ("Hân", "Hà"), ("Hiền", "Huyền"), ("Linh", "Lan"), ("Ngân", "Ngọc"),
           ("Thảo", "Thơ"), ("An", "Anh")],
}

SCHOOL_YEAR_START = 2021  # school year 2021–2022: grade = 2021 - birth_year - 5

KEYBOARD_NEIGHBOURS = {
    "a": "sqwz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc",
    "g": "ftyhbv", "h": "gyujnb", "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop",
    "m": "njk", "n": "bhjm", "o": "iklp", "p": "ol", "q": "wa", "r": "edft", "s": "awedxz",
    "t": "rfgy", "u": "yhji", "v": "cfgb", "w": "qase", "x": "zsdc", "y": "tghu", "z": "asx",
}

TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]  # none, sắc, huyền, hỏi, ngã, nặng
MODS = {"a": ["", "\u0306", "\u0302"], "e": ["", "\u0302"], "o": ["", "\u0302", "\u031b"],
        "u": ["", "\u031b"], "i": [""], "y": [""]}


# --------------------------------------------------------------------------------------
# Text helpers.
# --------------------------------------------------------------------------------------

def fold(text):
    """Remove Vietnamese diacritics (đ→d too), keeping case."""
    text = text.replace("đ", "d").replace("Đ", "D")
    nfd = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in nfd if not unicodedata.combining(c)))


def split_vowel(ch):
    """Return (base_lower, modifier, tone, is_upper) for a Vietnamese vowel, else None."""
    nfd = unicodedata.normalize("NFD", ch)
    base = nfd[0]
    if base.lower() not in MODS:
        return None
    marks = nfd[1:]
    mod = "".join(m for m in marks if m in ("\u0306", "\u0302", "\u031b"))
    tone = "".join(m for m in marks if m in TONES[1:])
    return base.lower(), mod, tone, base.isupper()


def join_vowel(base, mod, tone, upper):
    ch = unicodedata.normalize("NFC", base + mod + tone)
    return ch.upper() if upper else ch


def change_diacritic(rng, word):
    """Change one diacritic in the word (tone or vowel modifier), e.g. Hùng→Hưng, Hà→Hạ."""
    positions = [i for i, ch in enumerate(word) if split_vowel(ch) is not None]
    if "đ" in word or "Đ" in word:
        positions.append(-1)
    if not positions:
        return None
    i = rng.choice(positions)
    if i == -1:
        return word.replace("đ", "d").replace("Đ", "D")
    base, mod, tone, upper = split_vowel(word[i])
    for _ in range(10):
        if rng.random() < 0.6 or len(MODS[base]) == 1:
            new_mod, new_tone = mod, rng.choice(TONES)
        else:
            new_mod, new_tone = rng.choice(MODS[base]), tone
        if (new_mod, new_tone) != (mod, tone):
            return word[:i] + join_vowel(base, new_mod, new_tone, upper) + word[i + 1:]
    return None


def typo_word(rng, word):
    """One typo in a word: substitute, drop, transpose a letter, or change a diacritic."""
    op = rng.choices(["sub", "drop", "transpose", "diacritic"], [25, 20, 15, 40])[0]
    # Typos at the first letter are rarer in practice; use positions ≥1 where possible.
    if op == "diacritic":
        out = change_diacritic(rng, word)
        if out is not None and out != word:
            return out
        op = "sub"
    if len(word) < 3 and op in ("drop", "transpose"):
        op = "sub"
    if op == "sub":
        i = rng.randrange(1, len(word)) if len(word) > 1 else 0
        base = fold(word[i]).lower()
        repl = rng.choice(KEYBOARD_NEIGHBOURS.get(base, "aeiou"))
        out = word[:i] + repl + word[i + 1:]
    elif op == "drop":
        i = rng.randrange(1, len(word))
        out = word[:i] + word[i + 1:]
    else:
        i = rng.randrange(1, len(word) - 1)
        out = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return out if out != word else None


class Weighted:
    """Fast repeated weighted choice with a fixed table."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = []
        total = 0.0
        for w in weights:
            total += w
            self.cum.append(total)
        self.total = total

    def pick(self, rng):
        return self.items[bisect.bisect_left(self.cum, rng.random() * self.total)]


def zipf_table(names, q=5.0, s=1.0):
    """Zipf–Mandelbrot weights 1/(rank+q)^s: top name ~6–7%, the tail ~0.6%."""
    return Weighted(names, [1.0 / (k + q) ** s for k in range(1, len(names) + 1)])


# --------------------------------------------------------------------------------------
# The generator.
# --------------------------------------------------------------------------------------

class Province:
    def __init__(self, rng):
        self.rng = rng
        self.kinh_family = Weighted([f for f, _ in KINH_FAMILY], [w for _, w in KINH_FAMILY])
        self.given = {"Nam": zipf_table(BOY_GIVEN), "Nữ": zipf_table(GIRL_GIVEN)}
        self.middle = {"Nam": Weighted(*zip(*BOY_MIDDLE)), "Nữ": Weighted(*zip(*GIRL_MIDDLE))}
        self.father_given = zipf_table(FATHER_GIVEN, q=8)
        self.mother_given = zipf_table(MOTHER_GIVEN, q=8)
        self.father_middle = Weighted(*zip(*FATHER_MIDDLE))
        self.mother_middle = Weighted(*zip(*MOTHER_MIDDLE))
        self.local_min_given = zipf_table(LOCAL_MIN_GIVEN, q=4)
        self.hmong_given = zipf_table(HMONG_GIVEN, q=3)
        self.used_codes = set()
        self._build_geography()

    # ---- geography ---------------------------------------------------------------

    def _build_geography(self):
        rng = self.rng
        self.communes = []  # dicts: name, district, weight, villages, bons, neighbours
        for d in DISTRICTS:
            names = COMMUNES[d]
            first = len(self.communes)
            for name in names:
                urban = name.startswith(("Phường", "Thị trấn"))
                weight = rng.uniform(1.2, 2.2) if urban else rng.uniform(0.6, 1.4)
                if urban:
                    villages = ["Tổ dân phố %d" % k for k in range(1, rng.randint(6, 11))]
                    bons = []
                else:
                    villages = ["Thôn %d" % k for k in range(1, rng.randint(5, 13))]
                    villages += ["Thôn " + t for t in rng.sample(NAMED_THON, rng.randint(0, 3))]
                    bons = ["Bon " + b for b in rng.sample(BON_NAMES, rng.randint(1, 3))]
                self.communes.append({"name": name, "district": d, "weight": weight,
                                      "villages": villages, "bons": bons, "schools": []})
            last = len(self.communes)
            # neighbours: the previous and next commune in the district's list (a ring)
            idx = list(range(first, last))
            for j, ci in enumerate(idx):
                nb = [idx[(j - 1) % len(idx)], idx[(j + 1) % len(idx)]]
                self.communes[ci]["neighbours"] = [n for n in dict.fromkeys(nb) if n != ci]
        self.commune_pick = Weighted(range(len(self.communes)),
                                     [c["weight"] for c in self.communes])

        # Schools: per commune 2–4 primary (grades 1–5), 1–2 lower secondary (6–9),
        # sometimes a combined primary+lower secondary school, sometimes an upper
        # secondary school (grade 10 in this cohort).
        self.schools = []
        seq = {d: 0 for d in DISTRICTS}
        for ci, c in enumerate(self.communes):
            kinds = ["TH"] * rng.randint(2, 4) + ["THCS"] * rng.randint(1, 2)
            if rng.random() < 0.7:
                kinds.append("TH&THCS")
            if rng.random() < 0.45:
                kinds.append("THPT")
            for k in kinds:
                seq[c["district"]] += 1
                code = "67%s%03d" % (c["district"], seq[c["district"]])
                grades = {"TH": range(1, 6), "THCS": range(6, 10), "TH&THCS": range(1, 10),
                          "THPT": range(10, 13)}[k]
                size = rng.lognormvariate(0, 0.45) * (0.5 if k == "TH&THCS" else 1.0)
                school = {"code": code, "commune": ci, "district": c["district"],
                          "grades": set(grades), "size": size, "kind": k, "classes": {}}
                self.schools.append(school)
                c["schools"].append(len(self.schools) - 1)
        for s in self.schools:
            # Number of classes per grade grows with the school's size.
            for g in sorted(s["grades"]):
                s["classes"][g] = max(1, min(8, round(s["size"] * rng.uniform(1.5, 3.5))))

    def schools_for(self, commune_idx, grade):
        return [si for si in self.communes[commune_idx]["schools"]
                if grade in self.schools[si]["grades"]]

    def pick_school(self, home, grade):
        """School for a child living in commune `home`: 90% in the home commune."""
        rng = self.rng
        c = self.communes[home]
        options = self.schools_for(home, grade)
        if not options or rng.random() >= 0.90:
            nb_opts = [si for n in c["neighbours"] for si in self.schools_for(n, grade)]
            if nb_opts:
                options = nb_opts
        if not options:
            district = c["district"]
            options = [i for i, s in enumerate(self.schools)
                       if s["district"] == district and grade in s["grades"]]
        return Weighted(options, [self.schools[si]["size"] for si in options]).pick(rng)

    def class_name(self, school_idx, grade):
        s = self.schools[school_idx]
        n = s["classes"].get(grade, 1)
        k = self.rng.randrange(n)
        if s["kind"] == "THPT":
            return "%dA%d" % (grade, k + 1)
        return "%d%s" % (grade, "ABCDEFGH"[k])

    # ---- people -----------------------------------------------------------------

    def new_code(self):
        while True:
            code = "67%08d" % self.rng.randrange(10 ** 8)
            if code not in self.used_codes:
                self.used_codes.add(code)
                return code

    def child_name(self, family, gender, minority, avoid=()):
        """Full child name 'Family Middle Given' (minority styles differ)."""
        rng = self.rng
        for _ in range(50):
            if minority == "local":
                given = self.local_min_given.pick(rng) if rng.random() < 0.6 \
                    else self.given[gender].pick(rng)
                if family in ("Y", "H'", "K'"):
                    parts = [family, given]
                elif family == "Thị":
                    parts = [family, given]
                else:  # Điểu
                    mid = ("Thị" if gender == "Nữ" else "Văn") if rng.random() < 0.6 else None
                    parts = [family] + ([mid] if mid else []) + [given]
            elif minority == "hmong":
                given = self.hmong_given.pick(rng)
                mid = "Thị" if gender == "Nữ" else rng.choice(["A", "Seo", "Văn"])
                parts = [family, mid, given]
            else:
                given = self.given[gender].pick(rng)
                r = rng.random()
                if r < 0.03:
                    mids = []
                elif r < 0.13:
                    m1 = self.middle[gender].pick(rng)
                    m2 = self.middle[gender].pick(rng)
                    while m2 in (m1, "Văn", "Thị", given):
                        m2 = self.middle[gender].pick(rng)
                    mids = [m1, m2]
                else:
                    m1 = self.middle[gender].pick(rng)
                    while m1 == given:
                        m1 = self.middle[gender].pick(rng)
                    mids = [m1]
                parts = [family] + mids + [given]
            if given not in avoid:
                return " ".join(parts), given
        return " ".join(parts), given

    def adult_name(self, family, is_father, minority):
        rng = self.rng
        if minority == "local":
            if family in ("Y", "H'", "K'", "Thị"):
                family = "Y" if is_father else rng.choice(["H'", "Thị"])
            return "%s %s" % (family, self.local_min_given.pick(rng))
        if minority == "hmong":
            return "%s %s %s" % (family, "A" if is_father else "Thị", self.hmong_given.pick(rng))
        if is_father:
            return "%s %s %s" % (family, self.father_middle.pick(rng), self.father_given.pick(rng))
        return "%s %s %s" % (family, self.mother_middle.pick(rng), self.mother_given.pick(rng))

    def household(self):
        """A family: commune, village, surname, parent name, minority style."""
        rng = self.rng
        ci = self.commune_pick.pick(rng)
        c = self.communes[ci]
        minority = None
        if rng.random() < DISTRICT_MINORITY[c["district"]]:
            minority = "local" if rng.random() < 0.65 else "hmong"
        if minority == "local":
            family = rng.choices(["Y", "H'", "K'", "Điểu", "Thị"], [25, 25, 15, 25, 10])[0]
        elif minority == "hmong":
            family = rng.choices(["Nông", "Lường", "Giàng", "Sùng", "Triệu"], [30, 15, 20, 15, 20])[0]
        else:
            family = self.kinh_family.pick(rng)
        # village: minority families mostly live in a bon, Kinh families in thôn / tổ dân phố
        if minority == "local" and c["bons"] and rng.random() < 0.7:
            village = rng.choice(c["bons"])
        else:
            village = rng.choice(c["villages"])
        father_listed = rng.random() < 0.6
        if father_listed or minority:
            parent = self.adult_name(family, father_listed, minority)
        else:
            parent = self.adult_name(self.kinh_family.pick(rng), False, None)
        return {"commune": ci, "village": village, "family": family, "parent": parent,
                "minority": minority}

    def child(self, hh, dob, gender, avoid_given=(), name=None, school=None, klass=None):
        rng = self.rng
        fam = hh["family"]
        if hh["minority"] == "local" and fam in ("Y", "H'", "Thị"):
            # gendered leading words: Y for boys, H' (or Thị) for girls
            fam = "Y" if gender == "Nam" else ("H'" if fam == "Y" else fam)
        if name is None:
            full, given = self.child_name(fam, gender, hh["minority"], avoid_given)
        else:
            full, given = name
        grade = SCHOOL_YEAR_START - dob.year - 5
        if grade > 1 and rng.random() < 0.04:
            grade -= 1  # held back a year
        if school is not None:
            grade = int(re.match(r"\d+", klass).group())  # same class as a twin
        else:
            school = self.pick_school(hh["commune"], grade)
            if grade not in self.schools[school]["grades"]:
                grade = min(self.schools[school]["grades"], key=lambda g: abs(g - grade))
            klass = self.class_name(school, grade)
        return {
            "student_code": self.new_code() if rng.random() >= 0.03 else "",
            "full_name": full, "given": given, "gender": gender, "dob": dob,
            "school": school, "class_name": klass, "grade": grade,
            "village": hh["village"] if rng.random() >= 0.10 else "",
            "commune": hh["commune"],
            "parent_name": hh["parent"] if rng.random() >= 0.08 else "",
            "minority": hh["minority"],
        }


def random_dob(rng, year=None):
    if year is None:
        year = rng.randint(2006, 2015)
    start = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - start).days
    return start + timedelta(days=rng.randrange(days))


def generate_originals(p, n):
    """Children by household: ~15% have a sibling, ~1% are twins."""
    rng = p.rng
    children = []
    stats = {"sibling_children": 0, "twin_children": 0, "households": 0}
    while len(children) < n:
        hh = p.household()
        stats["households"] += 1
        r = rng.random()
        if r < 0.0055:
            # twins (+ sometimes an older sibling)
            dob = random_dob(rng, rng.randint(2006, 2015))
            g1 = rng.choice(["Nam", "Nữ"])
            g2 = g1 if rng.random() < 0.6 else ("Nữ" if g1 == "Nam" else "Nam")
            if g1 == g2 and hh["minority"] is None and rng.random() < 0.3:
                a, b = rng.choice(SIMILAR_TWIN_NAMES[g1])
                fam = hh["family"]
                n1, _ = p.child_name(fam, g1, None)
                mid = n1.split(" ")[1:-1]
                kid1 = p.child(hh, dob, g1, name=(" ".join([fam] + mid + [a]), a))
                kid2 = p.child(hh, dob, g2, name=(" ".join([fam] + mid + [b]), b),
                               school=kid1["school"], klass=kid1["class_name"])
            else:
                kid1 = p.child(hh, dob, g1)
                same_class = rng.random() < 0.9
                kid2 = p.child(hh, dob, g2, avoid_given=(kid1["given"],),
                               school=kid1["school"] if same_class else None,
                               klass=kid1["class_name"] if same_class else None)
            kids = [kid1, kid2]
            if rng.random() < 0.2 and dob.year > 2007:
                kids.append(p.child(hh, random_dob(rng, rng.randint(2006, dob.year - 2)),
                                    rng.choice(["Nam", "Nữ"]),
                                    avoid_given=(kid1["given"], kid2["given"])))
            stats["twin_children"] += 2
        elif r < 0.0055 + 0.0673:
            size = 2 if rng.random() < 0.75 else 3
            years = sorted(rng.sample(range(2006, 2016), size))
            kids, givens = [], []
            for y in years:
                k = p.child(hh, random_dob(rng, y), rng.choice(["Nam", "Nữ"]),
                            avoid_given=tuple(givens))
                givens.append(k["given"])
                kids.append(k)
        else:
            kids = [p.child(hh, random_dob(rng), rng.choice(["Nam", "Nữ"]))]
        if len(kids) > 1:
            stats["sibling_children"] += len(kids)
        children.extend(kids)
    del children[n:]
    return children, stats


def retype_village(rng, v):
    if not v:
        return v
    ops = ["lower", "fold", "nospace", "abbrev", "pad"]
    for _ in range(10):
        op = rng.choice(ops)
        if op == "lower":
            out = v[0].lower() + v[1:]
        elif op == "fold":
            out = fold(v)
        elif op == "nospace":
            parts = v.split(" ")
            out = parts[0] + " " + "".join(parts[1:]) if len(parts) > 2 else v.replace(" ", "")
        elif op == "abbrev":
            out = v.replace("Tổ dân phố ", "TDP ").replace("Thôn ", "T.").replace("Bon ", "B.")
        else:
            last = v.split(" ")[-1]
            out = v[: -len(last)] + "0" + last if last.isdigit() and len(last) == 1 else v
        if out != v:
            return out
    return fold(v) if fold(v) != v else v + "."


def make_duplicate(p, orig, kind, orig_code):
    """A copy of `orig` listed at another school, with the changes of its kind."""
    rng = p.rng
    dup = dict(orig)
    # another school serving the same grade, usually in the same district
    grade = orig["grade"]
    same_district = rng.random() < 0.75
    o_school = p.schools[orig["school"]]
    options = [i for i, s in enumerate(p.schools) if i != orig["school"] and grade in s["grades"]
               and (s["district"] == o_school["district"] or not same_district)]
    if not options:
        options = [i for i, s in enumerate(p.schools) if i != orig["school"] and grade in s["grades"]]
    school = rng.choice(options)
    dup["school"] = school
    dup["class_name"] = p.class_name(school, grade)

    name = orig["full_name"]
    if kind == "a":
        dup["student_code"] = orig_code
        if rng.random() < 0.2:
            name = fold(name)
    elif kind == "b":
        name = fold(name)
        dup["student_code"] = p.new_code() if rng.random() < 0.7 else ""
    elif kind == "c":
        words = name.split(" ")
        for _ in range(20):
            # which word: given 55%, middle 25%, family 20% (never the H'/Y/K' words)
            if len(words) >= 3:
                wi = rng.choices([len(words) - 1, rng.randrange(1, len(words) - 1), 0], [55, 25, 20])[0]
            else:
                wi = rng.choices([len(words) - 1, 0], [75, 25])[0]
            if words[wi] in ("Y", "H'", "K'") or len(words[wi]) < 2:
                continue
            out = typo_word(rng, words[wi])
            if out:
                words[wi] = out
                break
        name = " ".join(words)
        dup["student_code"] = p.new_code() if rng.random() < 0.9 else ""
    elif kind == "d":
        dup["student_code"] = p.new_code()
    elif kind == "e":
        words = name.split(" ")
        if len(words) >= 3 and rng.random() < 0.5:
            words[-1], words[-2] = words[-2], words[-1]  # given and middle swapped
            name = " ".join(words)
            dup["student_code"] = p.new_code() if rng.random() < 0.8 else ""
        else:
            dup["parent_name"] = ""
            dup["village"] = retype_village(rng, orig["village"])
            # class changed: one grade off where the school has it, else another letter
            g2 = grade + rng.choice([-1, 1])
            if g2 not in p.schools[school]["grades"]:
                g2 = grade
            dup["class_name"] = p.class_name(school, g2)
            dup["student_code"] = p.new_code() if rng.random() < 0.8 else ""
    dup["full_name"] = name

    # parent: usually the same, else missing or typed without accents
    if kind != "e" and dup["parent_name"]:
        r = rng.random()
        if r < 0.15:
            dup["parent_name"] = ""
        elif r < 0.30:
            dup["parent_name"] = fold(dup["parent_name"])
    # village sometimes missing on the second list
    if kind != "e" and rng.random() < 0.08:
        dup["village"] = ""
    dup["kind"] = kind
    return dup


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--students", type=int, default=100000)
    ap.add_argument("--duplicates", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--out", default="province.csv")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    p = Province(rng)
    originals, fam_stats = generate_originals(p, args.students)
    for o in originals:
        o["kind"] = ""

    # Planted duplicates: ~5% of the duplicated originals get two copies (clusters of 3).
    n_dup = min(args.duplicates, 2 * len(originals))
    n_triple = round(n_dup * 0.05 / 1.05)
    n_orig = n_dup - n_triple
    shares = {"a": 0.235, "b": 0.235, "c": 0.235, "d": 0.235}
    kinds = []
    for k, s in shares.items():
        kinds += [k] * round(n_dup * s)
    kinds += ["e"] * (n_dup - len(kinds))
    kinds = kinds[:n_dup]
    rng.shuffle(kinds)

    chosen = rng.sample(range(len(originals)), n_orig)
    slots = chosen + chosen[:n_triple]  # the first n_triple get a second copy
    # Kind (a) needs an original that has a code: swap kinds where needed.
    for i, oi in enumerate(slots):
        if kinds[i] == "a" and not originals[oi]["student_code"]:
            for j in range(len(slots)):
                if kinds[j] != "a" and originals[slots[j]]["student_code"]:
                    kinds[i], kinds[j] = kinds[j], kinds[i]
                    break
    duplicates = []
    for oi, kind in zip(slots, kinds):
        d = make_duplicate(p, originals[oi], kind, originals[oi]["student_code"])
        d["orig_index"] = oi
        duplicates.append(d)
    for i, o in enumerate(originals):
        o["orig_index"] = i

    # Lists arrive school by school: order by school, class, then at random, and number.
    records = originals + duplicates
    for r in records:
        r["_tie"] = rng.random()
    records.sort(key=lambda r: (p.schools[r["school"]]["code"], r["class_name"], r["_tie"]))
    record_id_of_original = {}
    for rid, r in enumerate(records, start=1):
        r["record_id"] = rid
        if not r["kind"]:
            record_id_of_original[r["orig_index"]] = rid

    with open(args.out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["record_id", "cluster_id", "student_code", "full_name", "gender", "dob",
                    "school_code", "class_name", "village", "commune", "parent_name", "kind"])
        for r in records:
            w.writerow([r["record_id"], record_id_of_original[r["orig_index"]], r["student_code"],
                        r["full_name"], r["gender"], r["dob"].isoformat(),
                        p.schools[r["school"]]["code"], r["class_name"], r["village"],
                        p.communes[r["commune"]]["name"], r["parent_name"], r["kind"]])

    by_kind = {k: kinds.count(k) for k in "abcde"}
    summary = {
        "students": len(originals), "duplicates": len(duplicates), "records": len(records),
        "by_kind": by_kind, "clusters_of_3": n_triple, "seed": args.seed,
        "schools": len(p.schools), "communes": len(p.communes), "districts": len(DISTRICTS),
        "sibling_children": fam_stats["sibling_children"],
        "twin_children": fam_stats["twin_children"],
        "minority_children": sum(1 for o in originals if o["minority"]),
        "empty_code": sum(1 for r in records if not r["student_code"]),
        "out": args.out,
    }
    print(json.dumps(summary, ensure_ascii=False), file=sys.stderr)


if __name__ == "__main__":
    main()
