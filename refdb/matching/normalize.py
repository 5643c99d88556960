"""Name normalisation, romanisation folding and the forms a matcher compares.

Three layers, each a pure function of its input:

* ``normalize_name`` gives the readable search form stored in ``Name.normalized``:
  casefolded, diacritics stripped, punctuation and hyphens turned into spaces, other
  scripts transliterated (Han characters with pypinyin, everything else with unidecode).
  Han names follow the official pinyin convention (GB/T 28039): surname apart, given
  name syllables joined, so 李尚福 -> "li shangfu", the form sanction lists print.
* ``fold_token`` maps a token to a canonical spelling across romanisation systems:
  a table of equivalence classes for common given names (Yevgeny/Evgeni,
  Mohammed/Muhammad) and a short list of transliteration rules (kh/h, -iy/-y, ...).
  Folding is applied to both sides of a comparison, so it only has to be consistent.
* ``name_forms`` returns the folded forms a matcher compares: the name itself and,
  when its tokens read as pinyin, its Wade-Giles spelling (without apostrophes,
  which are usually dropped anyway), so "Mao Tse-tung" meets "Mao Zedong".
  ``refdb.search.index.index_keys`` turns those forms into index keys.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_APOSTROPHES = re.compile(r"['’ʻʼʿʾ`´]")

# Chinese compound surnames: the first two characters of the name are the surname.
_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 夏侯 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 端木 "  # noqa: SIM905
    "澹台 公羊 万俟 轩辕 呼延 南宫 独孤 西门".split()
)
# Surname readings that differ from the character's most common reading
# (pypinyin reads 曾 as "ceng", the surname is "Zeng").
_SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "朴": "piao",
    "乐": "yue",
    "覃": "qin",
    "翟": "zhai",
    "盖": "ge",
    "缪": "miao",
    "尉迟": "yuchi",
    "万俟": "moqi",
    "长孙": "zhangsun",
    "秘": "bi",
    "召": "shao",
    "员": "yun",
    "黑": "he",
    "繁": "po",
    "种": "chong",
    "冼": "xian",
}


def _pinyin(chars: str) -> list[str]:
    # Imported lazily: pypinyin's dictionaries take a while to load and most
    # queries have no Han characters.
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(chars, style=Style.NORMAL, v_to_u=True)


def _han_to_latin(run: str) -> str:
    """A run of Han characters as pinyin: a 2-4 character run is read as a personal
    name (surname, then the given name joined); longer runs syllable by syllable."""
    if 2 <= len(run) <= 4:
        surname = run[:2] if run[:2] in _COMPOUND_SURNAMES and len(run) > 2 else run[:1]
        given = run[len(surname) :]
        family = _SURNAME_READINGS.get(surname) or "".join(_pinyin(surname))
        return f" {family} {''.join(_pinyin(given))} "
    return " " + " ".join(_pinyin(run)) + " "


_HANGUL = re.compile(r"[\uac00-\ud7a3]+")
# Korean surnames as lists and passports spell them, not as Revised Romanization does
# (김 is "Kim", not "Gim"); two-syllable surnames first.
_KOREAN_SURNAMES = {
    "남궁": "namgung", "선우": "sunwoo", "제갈": "jegal", "황보": "hwangbo", "독고": "dokgo",
    "사공": "sagong", "서문": "seomun", "김": "kim", "이": "lee", "리": "ri", "박": "park",
    "최": "choe", "정": "jong", "강": "kang", "조": "cho", "윤": "yun", "장": "jang",
    "임": "lim", "한": "han", "오": "oh", "서": "so", "신": "shin", "권": "kwon",
    "황": "hwang", "안": "ahn", "송": "song", "류": "ryu", "전": "jon", "홍": "hong",
    "고": "ko", "문": "mun", "양": "yang", "손": "son", "배": "bae", "백": "paek",
    "허": "ho", "유": "yu", "남": "nam", "심": "shim", "노": "ro", "하": "ha",
    "곽": "kwak", "성": "song", "차": "cha", "주": "ju", "우": "woo", "구": "ku",
    "민": "min", "현": "hyon", "태": "thae", "명": "myong", "로": "ro",
}  # fmt: skip


def _hangul_to_latin(run: str) -> str:
    """A run of Hangul as Latin, syllable by syllable with hangul-names' Revised
    Romanization: a name of two to four syllables as surname and given name (김정은 ->
    "kim jong un"), spelled as sanction lists spell Korean names (the surname's usual
    spelling; McCune-Reischauer without breves, eo and eu as o and u)."""
    from hangul_names.words import Syllable

    surname = next((s for s in (run[:2], run[:1]) if s in _KOREAN_SURNAMES), None)
    if surname is None or not 2 <= len(run) <= 4:
        surname = ""
    syllables = " ".join(Syllable(char=c).romanize() for c in run[len(surname) :])
    latin = f"{_KOREAN_SURNAMES.get(surname, '')} {syllables}"
    return f" {latin.replace('eo', 'o').replace('eu', 'u')} "


# Kana: hiragana, katakana with the long-vowel mark and the middle dot between a
# foreign name's words, half-width katakana.
_KANA = re.compile(r"[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fb-\u30fe\uff66-\uff9f]+")
# Katakana for foreign sounds, which jaconv spells letter by letter ("tei" for ティ),
# in hiragana as jaconv.kata2hira writes them.
_FOREIGN_KANA = {
    "てぃ": "ti", "でぃ": "di", "とぅ": "tu", "どぅ": "du", "てゅ": "tyu", "でゅ": "dyu",
    "うぃ": "wi", "うぇ": "we", "うぉ": "wo", "ちぇ": "che", "しぇ": "she", "じぇ": "je",
    "つぁ": "tsa", "つぃ": "tsi", "つぇ": "tse", "つぉ": "tso", "ふゅ": "fyu", "いぇ": "ye",
}  # fmt: skip
# Hepburn as passports and sanction lists write it: long vowels without macrons (おう,
# おお as "o": Satō, Shinzō -> "sato", "shinzo"; うう as "u"), not before another vowel
# (Inoue); っち as "tchi".
_LONG_VOWEL = re.compile(r"(?<=o)[ou](?![aeiou])|(?<=u)u(?![aeiou])")


# Katakana spelling a foreign name adds a vowel to a consonant that ends a syllable
# (ヴィクトル, Viktor; キム, Kim) and writes ti as チ (プーチン, Putin): the foreign
# reading takes these vowels out (not before the long-vowel mark, a small kana or っ;
# at a word's start only where a cluster can begin: スミス, Smith; クラ, Kra), reads チ
# as "ti", or "ch" at a word's end (ヤヌコーヴィチ, Yanukovich), and a final オフ as
# the Russian -ov it stands for (ラヴロフ, Lavrov).
_ADDED_U = {
    "く": "k", "ぐ": "g", "す": "s", "ず": "z", "つ": "ts", "ふ": "f", "ぷ": "p", "ぶ": "b",
    "む": "m", "る": "r", "ゔ": "v",
}  # fmt: skip
_ADDED_O = {"と": "t", "ど": "d"}  # at a word's end, or before r and a vowel (トリ, Dmitri)
_R_ROW = "らりれろ"
_O_ROW = set("おこごそぞとどのほぼぽもよろをょぉ")
_NOT_CONSONANT = set("あいうえおぁぃぅぇぉゃゅょゎっんー")
_WORD_END = {"", " ", "\u3000", "・"}
_KATAKANA = re.compile(r"[\u30a1-\u30fa\uff66-\uff9d]")


def _foreign_sounds(hiragana: str) -> str:
    """Katakana (as hiragana, the long-vowel mark kept) read as a foreign name's sounds."""
    read = []
    for i, kana in enumerate(hiragana):
        before, after = hiragana[i - 1 : i] if i else "", hiragana[i + 1 : i + 2]
        start, end = before in _WORD_END, after in _WORD_END
        if kana == "ち" and (end or after not in "ゃゅょぇ"):
            read.append("ch" if end else "ti")
        elif kana == "ふ" and end and before in _O_ROW:
            read.append("v")
        elif kana in _ADDED_U and (end or after not in _NOT_CONSONANT):
            cluster = not start or kana == "す" or after in _R_ROW
            read.append(_ADDED_U[kana] if cluster else kana)
        elif kana in _ADDED_O and (end or after in _R_ROW):
            read.append(_ADDED_O[kana])
        else:
            read.append(kana)
    return "".join(read)


def _kana_to_latin(run: str, foreign: bool = False, marked: bool = False) -> str:
    """A run of kana in Hepburn romanisation (jaconv's kana2alphabet, with foreign
    sounds and long vowels as lists spell them): プーチン -> "puchin",
    きよた じろう -> "kiyota jiro"; with ``foreign``, katakana as a foreign name's
    sounds (``_foreign_sounds``): プーチン -> "putin"; with ``marked`` too, each r
    written ``LIQUID`` and each long-vowel mark ``LONG_MARK`` (``spelled_reading``)."""
    import jaconv

    hiragana = jaconv.kata2hira(unicodedata.normalize("NFKC", run))
    if foreign and _KATAKANA.search(run):
        hiragana = _foreign_sounds(hiragana)
    hiragana = hiragana.replace("ー", LONG_MARK if marked else "")
    for kana, latin in _FOREIGN_KANA.items():
        hiragana = hiragana.replace(kana, latin)
    latin = jaconv.kana2alphabet(hiragana.replace("・", " ").replace("ゝ", "").replace("ゞ", ""))
    latin = _LONG_VOWEL.sub("", latin.replace("cch", "tch").replace("xtsu", ""))
    return f" {latin.replace('r', LIQUID) if marked else latin} "


def _strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def normalize_name(text: str) -> str:
    """The canonical search form of a name: lowercase ASCII words separated by
    single spaces. ``"LI, Shang-fu"`` -> ``"li shang fu"``, ``"李尚福"`` -> ``"li shangfu"``,
    ``"Ли Шанфу"`` -> ``"li shanfu"``."""
    return _normalize(text, foreign=False)


@lru_cache(maxsize=4096)
def foreign_reading(text: str) -> str | None:
    """The name normalised with its katakana read as a foreign name's sounds
    (``_foreign_sounds``: ウラジーミル・プーチン -> "urajimir putin"), when it has
    katakana and that reading differs from ``normalize_name``'s; else None."""
    if text.isascii() or not _KATAKANA.search(text):
        return None
    reading = _normalize(text, foreign=True)
    return reading if reading != normalize_name(text) else None


# Katakana has one row, ラ, for both the r and the l of a foreign name (ラヴロフ,
# Lavrov; セルゲイ, Sergei), and writes an r after a vowel as the long-vowel mark
# (マーティン, Martin; ヴィッサー, Wisser: "-er" as アー): ``spelled_reading`` marks
# both for the matcher, which reads each as the name it is compared with spells it.
LIQUID = "R"  # r or l
LONG_MARK = "_"  # nothing (a long vowel) or r
_ONLY_KANA = re.compile(rf"(?:{_KANA.pattern}|[ \u3000])+")


@lru_cache(maxsize=4096)
def spelled_reading(text: str) -> str | None:
    """The foreign reading of a name written wholly in kana with katakana in it, with
    ``LIQUID`` for each r (a ラ-row kana) and ``LONG_MARK`` for each long-vowel mark:
    セルゲイ・ラヴロフ -> "seRgei Ravrov", マーティン -> "ma_tin". None for other names
    (letters of another script beside the kana would make an r that is no kana's)."""
    if text.isascii() or not _KATAKANA.search(text):
        return None
    text = unicodedata.normalize("NFKC", text)
    if not _ONLY_KANA.fullmatch(text):
        return None
    return " ".join(_KANA.sub(lambda m: _kana_to_latin(m.group(), True, True), text).split())


def _normalize(text: str, foreign: bool) -> str:
    if not text.isascii():
        # ё is "yo" as English-language lists write it (Фёдоров, Fyodorov), not "io".
        text = text.replace("ё", "yo").replace("Ё", "Yo")
        text = _KANA.sub(lambda m: _kana_to_latin(m.group(), foreign), text)
        text = _HAN.sub(lambda m: _han_to_latin(m.group()), text)
        text = _HANGUL.sub(lambda m: _hangul_to_latin(m.group()), text)
        text = _strip_diacritics(text.casefold())
        text = _APOSTROPHES.sub("", text)
        if not text.isascii():
            text = unidecode(text)
    # Apostrophes and modifier letters (Wade-Giles aspiration, Arabic ʿayn) join,
    # they do not separate: "Ch'en" -> "chen", "Ba'ath" -> "baath".
    text = _APOSTROPHES.sub("", text.casefold())
    return _NON_ALNUM.sub(" ", text).strip()


# --- romanisation folding -------------------------------------------------------

# Equivalence classes of given names and name particles spelled differently by
# transliteration systems (BGN/PCGN, ISO 9, ICAO 9303, French and English usage of
# Arabic names). The first spelling of each class is the canonical one.
_EQUIVALENCE_CLASSES = """
aleksandr alexander alexandr aleksander oleksandr
aleksei alexei aleksey alexey alexej oleksiy oleksii
andrei andrey andrej andriy andrii
anatoly anatoli anatoliy anatolii
arkady arkadi arkadiy arkadii
dmitry dmitri dmitriy dmitrii dmytro
evgeny yevgeny evgeni yevgeni evgeniy yevgeniy evgenii yevgenii jevgenij ievgen yevhen
fyodor fedor feodor fiodor
gennady gennadi gennadiy gennadii
georgy georgi georgiy georgii heorhiy
grigory grigori grigoriy grigorii hryhoriy
igor ihor
ilya ilia ilja
maksim maxim maksym
mikhail mihail michail mykhailo
nikolai nikolay nikolaj mykola
pyotr petr piotr
sergei sergey sergej serhiy serhii
valery valeri valeriy valerii
vasily vasili vasiliy vasilii vasyl
vitaly vitali vitaliy vitalii
vyacheslav viacheslav vjaceslav
yakov iakov jakov
yelena elena jelena olena
yekaterina ekaterina jekaterina katerina
yulia yuliya julia iuliia
yury yuri yuriy yurii iurii jurij yuriy
muhammad mohammed mohamed mohammad muhammed mohamad mohamud mouhamed mehmet mohd mhd
ahmad ahmed ahmet achmed
mahmoud mahmud mahmood
mustafa mustapha mostafa moustafa
husayn hussein hussain husain husein hossein hosein
hasan hassan hasen
abdal abdul abdel abdol aboul
abdullah abdallah abdulla abdalla
abdulrahman abdurrahman abdelrahman abderrahmane
usama osama oussama
umar omar omer
uthman osman othman usman
yusuf yousef youssef yousif yusif jusuf
ali aly
ibrahim ebrahim
ismail ismael esmail
khalid khaled
tariq tarek tareq tarik
majid majed
hamid hamed
adil adel
imad emad
yasir yasser yaser
basil basel
sharif sherif
riyad riad riyadh
anwar anouar
zakariya zakaria zakariyya
idris idriss
harun haroun
ayman aiman
isa issa
musa moussa mousa
fahd fahad
yahya yehia yahia
nabil nabeel
karim kareem
rashid rasheed rashed
said saeed sayed sayyid saied
salih saleh salah
sulayman suleiman sulaiman soliman suleyman
yahya yehia yahia
zaid zayd zeid
bin ibn ben
abu abou
al el
qasim kassem qassem kasim
jafar jaafar djafar
faisal faysal feisal
walid waleed
nasser nasir naser
jamal gamal djamal
"""

# Transliteration rules applied in order to every token. They fold the systematic
# differences between romanisations of the same letters: German-style tsch/sch/w for
# ч/ш/в (Bogdanowitsch), Cyrillic х as kh/h, -ий as -iy/-ii/-ij/-y, й after a vowel as
# y/i (Shoygu/Shoigu), е as ye/e (Yevgeny/Evgeny, Sergeyev/Sergeev), ё as yo/e (Fyodorov,
# Fedorov, scholarly Fëdorov), я/ю as ya/ia/ja and yu/iu (Tatjana), ц as ts/c, -ич as
# -ich/-ič; Arabic ق as q/k, long vowels as ee/i and ou/oo/u, final ة as -ah/-a, the article
# fused in "Abdulkarim"/"Abd al-Karim"; and doubled consonants (Mohammed/Mohamed).
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"tsch", "ch"),
        (r"sch", "sh"),
        (r"w", "v"),
        (r"^je", "e"),
        (r"(?<=[a-z])j(?=[aeo])", "y"),  # not ji/ju: pinyin j
        (r"kh", "h"),
        (r"(?<=[a-z])(?:iy|ii|ij|yi|yy)$", "y"),
        (r"(?<=[aeiou])y(?![aeiou])", "i"),
        (r"ye", "e"),
        (r"(?<=[b-df-hj-np-tv-z])yo", "e"),
        (r"ts", "c"),
        (r"vic(?=$|na$)", "vich"),
        (r"ia", "ya"),
        (r"iu", "yu"),
        (r"ks", "x"),
        (r"^abd(?:u|e|a|o|ou)l(?=[a-z]{3})", "abdal"),
        (r"q(?!u)", "k"),
        (r"ee", "i"),
        (r"ou", "u"),
        (r"oo", "u"),
        (r"(?<=[a-z]{2})ah$", "a"),
        (r"([b-df-hj-np-tv-z])\1", r"\1"),
    )
)


def _apply_rules(token: str) -> str:
    for pattern, replacement in _RULES:
        token = pattern.sub(replacement, token)
    return token


# Class members and their canonical spelling, both after the rules, so that a spelling
# the rules bring to a member ("Jewgeni" -> "evgeni") is folded like the member.
_EQUIVALENTS: dict[str, str] = {}
for _line in _EQUIVALENCE_CLASSES.strip().splitlines():
    _canonical, *_others = (_apply_rules(t) for t in _line.split())
    for _spelling in _others:
        _EQUIVALENTS.setdefault(_spelling, _canonical)


@lru_cache(maxsize=262144)
def fold_token(token: str) -> str:
    """Canonical spelling of one normalised token across romanisation systems."""
    token = _apply_rules(token)
    return _EQUIVALENTS.get(token, token)


# Company legal forms, which lists print or omit at will ("Rosoboronexport JSC");
# the matcher ignores them. Folded spellings (fold_token), since it sees folded forms.
LEGAL_FORMS = frozenset(
    fold_token(t)
    for t in [
        "ag",
        "ao",
        "bv",
        "co",
        "corp",
        "corporation",
        "company",
        "gmbh",
        "inc",
        "jsc",
        "llc",
        "llp",
        "ltd",
        "limited",
        "oao",
        "ooo",
        "pao",
        "pjsc",
        "plc",
        "sa",
        "sarl",
        "spa",
        "zao",
        "fze",
        "fzco",
    ]
)


# Name particles (Arabic bin/al/abu, European von/van/de/da): a name is still whole
# without them, so dropping one costs the matcher nothing. Folded spellings.
PARTICLES = frozenset(
    fold_token(t)
    for t in [
        "bin",
        "ibn",
        "al",
        "el",
        "abu",
        "von",
        "van",
        "der",
        "den",
        "de",
        "la",
        "le",
        "del",
        "da",
        "dos",
        "das",
        "di",
        "du",
    ]
)


# --- pinyin -> Wade-Giles ---------------------------------------------------------

# Hanyu pinyin syllables (from pypinyin's dictionary, without the bare nasals
# m/n/ng/hm/hng, which would let almost any word segment as "pinyin").
PINYIN_SYLLABLES = frozenset(
    """a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo
    bong bu ca cai can cang cao ce cei cen ceng cha chai chan chang chao che chen cheng chi
    chong chou chu chua chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da
    dai dan dang dao de dei den deng di dia dian diao die din ding diu dong dou du duan dui
    dun duo e ei en eng er fa fan fang fei fen feng fiao fo fou fu ga gai gan gang gao ge gei
    gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng
    hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu
    ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui
    kun kuo la lai lan lang lao le lei len leng li lia lian liang liao lie lin ling liu lo
    long lou lu luan lue lun luo ma mai man mang mao me mei men meng mi mian miao mie min
    ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nia nian niang niao nie nin
    ning niu nong nou nu nuan nue nun nuo o ou pa pai pan pang pao pei pen peng pi pian piao
    pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran
    rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng
    sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui
    shun shuo si song sou su suan sui sun suo ta tai tan tang tao te tei teng ti tian tiao
    tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wong wu xi xia xian
    xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong
    you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei
    zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan
    zui zun zuo""".split()  # noqa: SIM905
)

# Whole-syllable exceptions to the initial/final rules below.
_WG_WHOLE = {
    "zhi": "chih",
    "chi": "chih",
    "shi": "shih",
    "ri": "jih",
    "zi": "tzu",
    "ci": "tzu",
    "si": "ssu",
    "er": "erh",
    "e": "o",
    "yi": "i",
    "you": "yu",
    "yan": "yen",
    "ye": "yeh",
    "yong": "yung",
    "yu": "yu",
    "yue": "yueh",
    "yuan": "yuan",
    "yun": "yun",
    "he": "ho",
    "ge": "ko",
    "ke": "ko",
    "guo": "kuo",
    "kuo": "kuo",
    "huo": "huo",
    "shuo": "shuo",
    "gui": "kuei",
    "kui": "kuei",
}
# Pinyin initials -> Wade-Giles initials with the aspiration apostrophe dropped.
_WG_INITIALS = (
    ("zh", "ch"),
    ("ch", "ch"),
    ("sh", "sh"),
    ("b", "p"),
    ("p", "p"),
    ("d", "t"),
    ("t", "t"),
    ("g", "k"),
    ("k", "k"),
    ("j", "ch"),
    ("q", "ch"),
    ("x", "hs"),
    ("z", "ts"),
    ("c", "ts"),
    ("r", "j"),
)
_WG_FINALS = (
    ("iong", "iung"),
    ("ong", "ung"),
    ("ian", "ien"),
    ("ie", "ieh"),
    ("ue", "ueh"),
)


@lru_cache(maxsize=4096)
def pinyin_to_wade_giles(syllable: str) -> str:
    """Wade-Giles spelling (apostrophes and umlauts dropped) of a pinyin syllable."""
    if syllable in _WG_WHOLE:
        return _WG_WHOLE[syllable]
    initial, final = "", syllable
    for py, wg in _WG_INITIALS:
        if syllable.startswith(py):
            initial, final = wg, syllable[len(py) :]
            break
    if initial and final == "e":
        final = "e"
    elif initial and final == "uo" and initial not in ("k", "h", "sh"):
        final = "o"
    for py, wg in _WG_FINALS:
        if final.endswith(py):
            final = final[: -len(py)] + wg
            break
    return initial + final


@lru_cache(maxsize=65536)
def segment_pinyin(token: str) -> tuple[str, ...] | None:
    """Split a token into pinyin syllables ("shangfu" -> ("shang", "fu")), preferring
    fewer, longer syllables; None when the token is not pinyin."""
    n = len(token)
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[0] = ()
    for end in range(1, n + 1):
        for start in range(max(0, end - 6), end):
            head = best[start]
            piece = token[start:end]
            if head is not None and piece in PINYIN_SYLLABLES:
                candidate = (*head, piece)
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[n]


def _wade_giles_form(normalized: str) -> str | None:
    """The name respelled in Wade-Giles when every token reads as pinyin (a Chinese
    name), else None."""
    out: list[str] = []
    changed = False
    for token in normalized.split():
        syllables = segment_pinyin(token)
        if syllables is None:
            return None
        respelled = "".join(pinyin_to_wade_giles(s) for s in syllables)
        changed = changed or respelled != token
        out.append(respelled)
    return " ".join(out) if changed else None


def fold_name(normalized: str) -> str:
    """A normalised name with every token folded."""
    return " ".join(fold_token(t) for t in normalized.split())


@lru_cache(maxsize=65536)
def name_forms(text: str) -> tuple[str, ...]:
    """The folded forms of a name that a matcher compares: the name itself and, when
    all its tokens read as pinyin, its Wade-Giles spelling; a name in katakana also
    as a foreign name's sounds (``foreign_reading``)."""
    return with_foreign_reading(text, forms_of(normalize_name(text)))


def with_foreign_reading(text: str, forms: tuple[str, ...]) -> tuple[str, ...]:
    """``forms`` (of ``text``) and the folded ``foreign_reading`` of ``text`` after them."""
    reading = foreign_reading(text)
    if reading is None or fold_name(reading) in forms:
        return forms
    return (*forms, fold_name(reading))


@lru_cache(maxsize=65536)
def forms_of(normalized: str) -> tuple[str, ...]:
    """``name_forms`` of a name already normalised (``Name.normalized``): no
    transliteration needed, so no pypinyin to load for a stored Chinese name."""
    forms = [fold_name(normalized)]
    wade_giles = _wade_giles_form(normalized)
    if wade_giles is not None:
        folded = fold_name(wade_giles)
        if folded not in forms:
            forms.append(folded)
    return tuple(forms)
