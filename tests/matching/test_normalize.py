"""Normalisation and folding as a user of search sees them: spellings of one name meet."""

import pytest

from refdb.matching.normalize import (
    fold_name,
    fold_token,
    foreign_reading,
    name_forms,
    normalize_name,
    spelled_reading,
)
from refdb.search.index import index_keys as name_keys


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LI, Shang-fu", "li shang fu"),
        ("  Shangfu   LI ", "shangfu li"),
        ("李尚福", "li shangfu"),
        ("欧阳修", "ouyang xiu"),
        ("曾国藩", "zeng guofan"),
        ("Ли Шанфу", "li shanfu"),
        ("Müller-Lüdenscheidt", "muller ludenscheidt"),
        ("Ch'en Shui-pien", "chen shui pien"),
        ("O’Brien", "obrien"),
        ("", ""),
    ],
)
def test_normalize_name(text: str, expected: str) -> None:
    assert normalize_name(text) == expected


@pytest.mark.parametrize(
    "spellings",
    [
        ("Yevgeny", "Evgeni", "Evgeny", "Евгений", "Yevgeniy"),
        ("Mohammed", "Muhammad", "Mohamed", "Mohammad"),
        ("Dmitry", "Dmitriy", "Dmitrii", "Дмитрий"),
        ("Mikhail", "Mihail", "Михаил"),
        ("Hussein", "Husayn", "Hussain"),
    ],
)
def test_romanisations_fold_together(spellings: tuple[str, ...]) -> None:
    assert len({fold_token(normalize_name(s)) for s in spellings}) == 1


@pytest.mark.parametrize(
    ("wade_giles", "pinyin"),
    [
        ("Mao Tse-tung", "Mao Zedong"),
        ("Hsi Chin-p'ing", "Xi Jinping"),
        ("Chou En-lai", "Zhou Enlai"),
    ],
)
def test_wade_giles_meets_pinyin(wade_giles: str, pinyin: str) -> None:
    wg_compact = name_forms(wade_giles)[0].replace(" ", "")
    assert wg_compact in {f.replace(" ", "") for f in name_forms(pinyin)}
    given = name_forms(wade_giles)[0].split(maxsplit=1)[1].replace(" ", "")
    assert given in name_keys(pinyin)


def test_spacing_variants_share_a_key() -> None:
    keys = [set(name_keys(s)) for s in ("Li Shang-fu", "Li Shangfu", "Li Shang Fu", "Shangfu Li")]
    assert all("shangfu" in k for k in keys)


def test_non_chinese_names_get_no_wade_giles_form() -> None:
    assert name_forms("Mohammed bin Salman") == ("muhamad bin salman",)


@pytest.mark.parametrize(
    ("hangul", "listed"),
    [
        ("김정은", "kim jong un"),
        ("김여정", "kim yo jong"),
        ("최룡해", "choe ryong hae"),
        ("리설주", "ri sol ju"),
    ],
)
def test_hangul_names_read_as_sanction_lists_spell_them(hangul: str, listed: str) -> None:
    assert normalize_name(hangul) == listed


@pytest.mark.parametrize(
    ("kana", "hepburn"),
    [
        ("キヨタ ジロウ", "kiyota jiro"),  # KIYOTA, Jiro (OFAC SDN): ジロウ's long o
        ("しのだ けんいち", "shinoda kenichi"),  # SHINODA, Kenichi (OFAC SDN), in hiragana
        ("アサハラ　ショウコウ", "asahara shoko"),  # ideographic space between the words
        ("いのうえ", "inoue"),  # う before another vowel is no long vowel
        ("ﾌﾟｰﾁﾝ", "puchin"),  # half-width katakana, the long-vowel mark dropped
        ("ウラジーミル・プーチン", "urajimiru puchin"),  # the middle dot parts the words
        ("ティム・クック", "timu kukku"),  # foreign sounds: ティ is "ti", not "tei"
    ],
)
def test_kana_names_read_in_hepburn_as_lists_spell_them(kana: str, hepburn: str) -> None:
    assert normalize_name(kana) == hepburn


@pytest.mark.parametrize(
    ("katakana", "foreign"),
    [
        ("プーチン", "putin"),  # チ for ti; the long-vowel mark keeps プー's vowel
        ("ﾌﾟｰﾁﾝ", "putin"),  # half-width
        ("ヴィクトル・ヤヌコーヴィチ", "viktor yanukovich"),  # added vowels out; a final チ is ch
        ("キム・ジョンウン", "kim jonun"),  # キム: Kim
        ("ドミトリー", "domitri"),  # ト before r and a vowel: the tr of Dmitri
        ("セルゲイ・ラヴロフ", "sergei ravrov"),  # a final オフ is -ov
        ("スミス", "smis"),  # a cluster may begin a word with s
        ("アレクサンドル・ルカシェンコ", "areksandor rukashenko"),  # no word starts rk: ル keeps its u
    ],
)
def test_katakana_also_reads_as_the_foreign_name_it_spells(katakana: str, foreign: str) -> None:
    assert foreign_reading(katakana) == foreign
    assert name_forms(katakana)[-1] == fold_name(foreign)  # a form the matcher and the index use


@pytest.mark.parametrize("name", ["キヨタ ジロウ", "しのだ けんいち", "Putin", "李尚福"])
def test_names_without_a_foreign_reading_keep_their_one_form(name: str) -> None:
    """Japanese names read the same both ways, hiragana is never foreign, other
    scripts have no katakana: no second form to widen their searches."""
    assert foreign_reading(name) is None
    assert len(name_forms(name)) == 1


@pytest.mark.parametrize(
    ("katakana", "spelled"),
    [
        ("セルゲイ・ラヴロフ", "seRgei RavRov"),  # every ラ-row kana: r or l
        ("マーティン", "ma_tin"),  # the long-vowel mark: a long vowel or r
        ("ﾌﾟｰﾁﾝ", "pu_tin"),  # half-width
        ("アサハラ　ショウコウ", "asahaRa shoko"),  # ideographic space
    ],
)
def test_katakana_names_mark_the_letters_katakana_does_not_tell(katakana: str, spelled: str) -> None:
    assert spelled_reading(katakana) == spelled
    # The marks read as written give the foreign reading the index keys come from.
    as_written = spelled.replace("R", "r").replace("_", "")
    assert as_written == (foreign_reading(katakana) or normalize_name(katakana))


@pytest.mark.parametrize(
    "name", ["Sergei Lavrov", "Сергей Лавров", "しのだ けんいち", "プーチン Putin", "李尚福"]
)
def test_names_not_wholly_in_katakana_have_no_spelled_reading(name: str) -> None:
    assert spelled_reading(name) is None  # their r is an r
