"""Deterministic synthetic refdb data and a labelled query set, for every refdb benchmark.

Entities are generated one at a time from ``(seed, index)``, so entity *i* can be
regenerated on its own (the query set does this) and a million entities stream in
bounded memory. Everything is a plain dict shaped like a refdb table row, with ids
assigned by the generator: no ORM, so loaders can use executemany.

Names are multi-cultural and written the way lists write them:

* Chinese: Han characters and their pinyin (pypinyin), surname first.
* Russian: Cyrillic, with patronymics, romanised by several systems (popular English,
  BGN/PCGN, ICAO 9303, scholarly, German).
* Arabic: given name, a "bin" chain and a family name, in Arabic script and in
  several romanisations.
* Western (English, German, French) and Hispanic (two surnames), with diacritics.
* Organizations and vessels.

The vocabulary is combinatorial (hundreds of surname roots times suffixes, two-
character Chinese given names, three-generation Arabic name chains), so exact name
collisions are rare, as in real lists; ``python -m benchmarks.synthetic`` prints the
rate. The transliteration tables here are written independently of refdb.matching
(the benchmark must not grade the matcher with its own answers).

Query variants (``make_queries``) carry the id of the entity they were made from:
case, word order, one and two typos, spacing/hyphens, diacritics, dropped middle
names/patronymics, Chinese characters, Wade-Giles, Cyrillic, alternative
romanisations, and combinations.
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain, islice
from typing import TYPE_CHECKING, Any

from pypinyin import Style, lazy_pinyin

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

SEED = 20230901


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


LISTS = (
    # key, authority key, authority name, list name, program codes
    ("syn-ofac-sdn", "syn-ofac", "Synthetic Treasury OFAC", "Synthetic SDN List",
     ("SDGT", "RUSSIA-EO14024", "CAATSA - RUSSIA", "NPWMD")),
    ("syn-un", "syn-un", "Synthetic UN Security Council", "Synthetic UN List", ("ISIL", "DPRK", "LIBYA")),
    ("syn-eu", "syn-eu", "Synthetic EU Council", "Synthetic EU List", ("RUS", "IRN", "SYR")),
    ("syn-uk", "syn-uk", "Synthetic UK FCDO", "Synthetic UK List", ("RUSSIA", "CYBER", "GLOBAL-HR")),
)  # fmt: skip
PUBLIC_BODY_SHARE = 0.002  # the first entities are public bodies that hold posts
LISTED_SHARE = 0.08  # curated entities with sanction entries
UNLINKED_ENTRY_SHARE = 0.04  # entries whose target is not curated (per entity)
TENURE_SHARE = 0.2  # persons holding posts

# --- Chinese -----------------------------------------------------------------------

CHINESE_SURNAMES = (
    "李王张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
CHINESE_GIVEN = (
    "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍红鹏辉建国志海云飞峰宇浩凯俊斌波林鑫亮成东晓光春天"
    "新德福尚卫侠又振兴荣庆永昌安宁学民立生山泽宏伦家晨阳瑞思佳嘉雪梅琳婷颖慧欣悦蕾倩雅晶妍茜秋冬柏松青达胜利"
    "彬坤锋鸣鹤岩义忠孝仁礼智信勤俭恒远博毅翔腾宗祥贵富铭耀璋琦瑜璐玲珊莉菲芬燕凤鸿雁溪涵润源清澄涌沛汉湘楚晋"
    "豫川渝黔滇蜀粤闽赣皖浙鲁冀辽吉琼蒙陕甘少培育树森武彪震宝启运伯仲季孟星辰良骏驰骥健康"
    "奇勋炳焕炎烨煜熙照然灿烁朗晖曦昊旭昕晟景智慕恩惠德懿敬谦逊让迪涤洁渊淳深湛潇洪涛澜"
    "钧铁钢锐镇铎锦钊钰璞瑾瑶琪琛珂珏珍珠宸宥宪宾寅尧舜禹汤周秦魏蜀吴越燕赵韩齐楚"
)
# The 3,755 level-1 characters of GB 2312 (the commonest in use), read from the codec:
# given names draw from them half the time, for a realistic spread of syllables.
GB2312_LEVEL1 = "".join(
    bytes((high, low)).decode("gb2312")
    for high in range(0xB0, 0xD8)
    for low in range(0xA1, 0xFF)
    if not (high == 0xD7 and low > 0xF9)
)
# Surname readings where pypinyin's default is the common, not the surname, reading.
CHINESE_SURNAME_READINGS = {"曾": "zeng", "万": "wan", "单": "shan"}

# Pinyin -> Wade-Giles, written out with aspiration apostrophes and umlauts as printed.
_WG_SYLLABLES = {
    "zhi": "chih", "chi": "ch'ih", "shi": "shih", "ri": "jih", "zi": "tzu", "ci": "tz'u",
    "si": "ssu", "er": "erh", "yi": "i", "you": "yu", "yan": "yen", "ye": "yeh",
    "yong": "yung", "yu": "yü", "yue": "yüeh", "yuan": "yüan", "yun": "yün", "he": "ho",
    "ge": "ko", "ke": "k'o", "e": "o", "guo": "kuo", "kuo": "k'uo", "huo": "huo",
    "shuo": "shuo", "gui": "kuei", "kui": "k'uei", "ju": "chü", "qu": "ch'ü", "xu": "hsü",
    "jue": "chüeh", "que": "ch'üeh", "xue": "hsüeh", "juan": "chüan", "quan": "ch'üan",
    "xuan": "hsüan", "jun": "chün", "qun": "ch'ün", "xun": "hsün", "lue": "lüeh",
    "nue": "nüeh",
}  # fmt: skip
_WG_INITIALS = (
    ("zh", "ch"), ("ch", "ch'"), ("sh", "sh"), ("b", "p"), ("p", "p'"), ("d", "t"),
    ("t", "t'"), ("g", "k"), ("k", "k'"), ("j", "ch"), ("q", "ch'"), ("x", "hs"),
    ("z", "ts"), ("c", "ts'"), ("r", "j"),
)  # fmt: skip
_WG_FINALS = (("iong", "iung"), ("ong", "ung"), ("ian", "ien"), ("ie", "ieh"), ("ue", "üeh"))


def wade_giles(syllable: str) -> str:
    if syllable in _WG_SYLLABLES:
        return _WG_SYLLABLES[syllable]
    initial, final = "", syllable
    for py, wg in _WG_INITIALS:
        if syllable.startswith(py):
            initial, final = wg, syllable[len(py) :]
            break
    if final == "uo" and initial.rstrip("'") not in ("k", "h", "sh"):
        final = "o"
    for py, wg in _WG_FINALS:
        if final.endswith(py):
            final = final[: -len(py)] + wg
            break
    return initial + final


# --- Russian -------------------------------------------------------------------------

RUSSIAN_MALE = _words(
    "Александр Алексей Андрей Антон Аркадий Борис Вадим Валентин Валерий Василий Виктор "
    "Виталий Владимир Владислав Вячеслав Геннадий Георгий Григорий Денис Дмитрий Евгений "
    "Егор Иван Игорь Кирилл Константин Леонид Максим Михаил Николай Олег Павел Пётр "
    "Роман Руслан Сергей Станислав Степан Тимур Фёдор Юрий Ярослав Анатолий Артём Богдан "
    "Всеволод Глеб Захар Лев Марк Матвей Ростислав Семён Тарас Эдуард Яков Филипп"
)
RUSSIAN_FEMALE = _words(
    "Анна Анастасия Валентина Вера Виктория Галина Дарья Екатерина Елена Елизавета Ирина "
    "Ксения Лариса Людмила Марина Мария Наталья Надежда Нина Ольга Полина Светлана Софья "
    "Татьяна Юлия Яна Алина Алла Вероника Зоя Кира Лидия Любовь Маргарита Оксана Раиса Тамара"
)
# Patronymic stems of names not formed by simply adding -ович.
_PATRONYMIC_STEMS = {
    "Аркадий": "Аркадьев", "Валерий": "Валерьев", "Василий": "Васильев", "Виталий": "Витальев",
    "Геннадий": "Геннадьев", "Георгий": "Георгиев", "Григорий": "Григорьев",
    "Дмитрий": "Дмитриев", "Евгений": "Евгеньев", "Юрий": "Юрьев", "Анатолий": "Анатольев",
    "Сергей": "Сергеев", "Алексей": "Алексеев", "Андрей": "Андреев", "Николай": "Николаев",
    "Матвей": "Матвеев", "Лев": "Львов", "Павел": "Павлов", "Пётр": "Петров",
}  # fmt: skip
RUSSIAN_ROOTS = _words(
    "Абрам Бабк Баран Белк Белоус Бессон Бобр Богдан Бондар Булат Быстр Вавил Ветр Виноград "
    "Воробь Ворон Гаврил Галк Голуб Гончар Горбач Гордеев Греч Гром Гус Давыд Данил Дем Денис "
    "Дорож Дуб Егор Ермол Ефрем Жар Жук Журавл Заболот Зайц Захар Звер Зим Зуб Игнат Ильин "
    "Казак Калин Камен Карп Кирил Клим Ковал Козл Колесник Комар Кондрат Корол Котл Крас Крюк "
    "Кудр Кулик Курган Лавр Лапт Лебед Лес Лисиц Лук Макар Мал Мартын Медвед Мельник Мирон "
    "Мороз Муравь Наум Никит Новик Овчинник Озер Орл Осип Панкрат Пахом Перм Пестр Платон "
    "Полян Пономар Прох Пригож Рож Ром Рыб Рыж Сав Сад Сафрон Свет Сел Семен Сид Синиц "
    "Скворц Смирн Сокол Сорок Степан Стрел Сух Тарас Тимоф Тих Ткач Трофим Уль Устин Фед "
    "Филат Фом Фрол Харит Хлеб Холод Цвет Чайк Черн Чиж Шаш Шевч Шил Шуб Щерб Щук Юд Яким Ярош "
    "Агап Бел Бор Вас Вол Гор Дят Ер Жил Зах Зол Иль Кал Кир Кос Лом Мак Мих Нос Пан Пуст Род "
    "Рус Сал Сем Суш Тол Уш Фил Хох Цар Чух Шар Юр Яр Авдот Будан Варлам Гераск Додон Евсе "
    "Антип БаженВорож Гладк Дроздов Ежов Жданов Зотов Исаев Кабан Ладыж Мамонт Нечай Оборот "
    "Паршин Рогоз Савват Тарабан Улит Фадей Хомут Цыган Чеботар Шапош Щегол Юшк Ягод Аксен "
    "Бурлак Вихр Гаранж Дубинин Ерш Жигул Зуев Карпенк Лыков Мохов Носков Огнев Попок Рябин "
    "Сиротин Тюрин Уваров Фокин Хрущ Чапаев Шмел Ястреб Абаш Бочар Вершин Глух Дягил Елисей"
)
RUSSIAN_SUFFIXES = (("ов", "ова"), ("ев", "ева"), ("ин", "ина"), ("ский", "ская"), ("енко", "енко"),
                    ("ук", "ук"), ("цев", "цева"), ("ичев", "ичева"))  # fmt: skip

# Per-letter romanisations: popular English, BGN/PCGN, ICAO 9303, scholarly, German.
RUSSIAN_SYSTEMS = ("popular", "bgn", "icao", "scholarly", "german")
_CYR = {
    "а": "a", "б": "b", "в": ("v", "v", "v", "v", "w"), "г": "g", "д": "d",
    "е": ("e", "e", "e", "e", "e"), "ё": ("yo", "ë", "e", "ë", "jo"),
    "ж": ("zh", "zh", "zh", "ž", "sch"), "з": ("z", "z", "z", "z", "s"), "и": "i",
    "й": ("y", "y", "i", "j", "i"), "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
    "х": ("kh", "kh", "kh", "ch", "ch"), "ц": ("ts", "ts", "ts", "c", "z"),
    "ч": ("ch", "ch", "ch", "č", "tsch"), "ш": ("sh", "sh", "sh", "š", "sch"),
    "щ": ("shch", "shch", "shch", "šč", "schtsch"), "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": ("yu", "yu", "iu", "ju", "ju"), "я": ("ya", "ya", "ia", "ja", "ja"),
}  # fmt: skip
_INITIAL_E = ("ye", "ye", "e", "e", "je")
_ENDING_IY = ("y", "iy", "ii", "ij", "i")


def romanise_russian(word: str, system: str) -> str:
    """Romanise one Cyrillic word with one of RUSSIAN_SYSTEMS."""
    s = RUSSIAN_SYSTEMS.index(system)
    lower = word.lower()
    ending = ""
    if lower.endswith(("ий", "ый")) and len(lower) > 3:
        lower, ending = lower[:-2], _ENDING_IY[s]
    out = []
    for i, ch in enumerate(lower):
        if ch == "е" and (i == 0 or lower[i - 1] in "аеёиоуыэюяьъ"):
            out.append(_INITIAL_E[s])
            continue
        value = _CYR.get(ch, ch)
        out.append(value if isinstance(value, str) else value[s])
    return ("".join(out) + ending).capitalize()


# --- Arabic --------------------------------------------------------------------------

# (Arabic script, romanisations in common use)
ARABIC_GIVEN = (
    ("محمد", ("Muhammad", "Mohammed", "Mohamed", "Mohammad")), ("أحمد", ("Ahmad", "Ahmed")),
    ("علي", ("Ali",)), ("حسن", ("Hasan", "Hassan")), ("حسين", ("Husayn", "Hussein", "Hussain")),
    ("عمر", ("Umar", "Omar")), ("عثمان", ("Uthman", "Othman", "Osman")),
    ("خالد", ("Khalid", "Khaled")), ("يوسف", ("Yusuf", "Youssef", "Yousef")),
    ("إبراهيم", ("Ibrahim", "Ebrahim")), ("إسماعيل", ("Ismail", "Ismael")),
    ("عبد الله", ("Abdullah", "Abdallah")), ("عبد الرحمن", ("Abdulrahman", "Abdelrahman", "Abd al-Rahman")),
    ("عبد العزيز", ("Abdulaziz", "Abdelaziz", "Abd al-Aziz")),
    ("عبد الكريم", ("Abdulkarim", "Abdelkarim", "Abd al-Karim")), ("سعيد", ("Said", "Saeed")),
    ("صالح", ("Salih", "Saleh")), ("سليمان", ("Sulayman", "Suleiman", "Sulaiman")),
    ("مصطفى", ("Mustafa", "Mostafa", "Moustafa")), ("محمود", ("Mahmud", "Mahmoud")),
    ("طارق", ("Tariq", "Tarek", "Tareq")), ("ماجد", ("Majid", "Majed")), ("فيصل", ("Faisal", "Faysal")),
    ("ناصر", ("Nasser", "Nasir", "Naser")), ("جمال", ("Jamal", "Gamal")), ("كريم", ("Karim", "Kareem")),
    ("رشيد", ("Rashid", "Rasheed")), ("حمزة", ("Hamza", "Hamzah")), ("زيد", ("Zayd", "Zaid", "Zeid")),
    ("يحيى", ("Yahya", "Yehia")), ("أسامة", ("Usama", "Osama")), ("قاسم", ("Qasim", "Kassem", "Qassem")),
    ("جعفر", ("Jafar", "Jaafar")), ("وليد", ("Walid", "Waleed")), ("منصور", ("Mansur", "Mansour")),
    ("نبيل", ("Nabil", "Nabeel")), ("هشام", ("Hisham", "Hesham")), ("بلال", ("Bilal",)),
    ("أنور", ("Anwar", "Anouar")), ("عادل", ("Adil", "Adel")), ("فهد", ("Fahd", "Fahad")),
    ("سلمان", ("Salman",)), ("عماد", ("Imad", "Emad")), ("رياض", ("Riyad", "Riad")),
    ("سامي", ("Sami", "Samy")), ("عمار", ("Ammar",)), ("ياسر", ("Yasir", "Yasser")),
    ("مروان", ("Marwan",)), ("زكريا", ("Zakariya", "Zakaria")), ("إدريس", ("Idris", "Idriss")),
    ("صلاح", ("Salah",)), ("حامد", ("Hamid", "Hamed")), ("بشير", ("Bashir", "Basheer")),
    ("طه", ("Taha",)), ("عيسى", ("Isa", "Issa")), ("موسى", ("Musa", "Moussa")),
    ("هارون", ("Harun", "Haroun")), ("أيمن", ("Ayman", "Aiman")), ("نزار", ("Nizar",)),
    ("غسان", ("Ghassan",)), ("باسل", ("Basil", "Basel")), ("شريف", ("Sharif", "Sherif")),
)  # fmt: skip
ARABIC_FAMILY = (
    ("التكريتي", "Tikriti"), ("المصري", "Masri"), ("الحلبي", "Halabi"), ("البغدادي", "Baghdadi"),
    ("الدمشقي", "Dimashqi"), ("الشامي", "Shami"), ("اليمني", "Yamani"), ("القحطاني", "Qahtani"),
    ("الشمري", "Shammari"), ("العتيبي", "Otaibi"), ("الدوسري", "Dosari"), ("الغامدي", "Ghamdi"),
    ("الزهراني", "Zahrani"), ("الحربي", "Harbi"), ("المطيري", "Mutairi"), ("العنزي", "Anazi"),
    ("السعدي", "Saadi"), ("الهاشمي", "Hashimi"), ("الحسيني", "Husseini"), ("الخطيب", "Khatib"),
    ("النجار", "Najjar"), ("الحداد", "Haddad"), ("العطار", "Attar"), ("الصباغ", "Sabbagh"),
    ("الخياط", "Khayyat"), ("الجبوري", "Jubouri"), ("الدليمي", "Dulaimi"), ("العبيدي", "Ubaydi"),
    ("الكبيسي", "Kubaisi"), ("الأنصاري", "Ansari"), ("القرشي", "Qurashi"), ("الزبيدي", "Zubaidi"),
    ("الراوي", "Rawi"), ("العاني", "Ani"), ("الحمداني", "Hamdani"), ("البصري", "Basri"),
    ("الموصلي", "Mawsili"), ("الليبي", "Libi"), ("التونسي", "Tunisi"), ("المغربي", "Maghribi"),
    ("السوداني", "Sudani"), ("الكويتي", "Kuwaiti"), ("البلوشي", "Balushi"), ("الشهري", "Shahri"),
    ("العمري", "Omari"), ("الأحمد", "Ahmad"), ("الصالح", "Salih"), ("الفارس", "Faris"),
)  # fmt: skip
_ARTICLES = ("al-", "Al ", "el-", "Al-")

# --- Western and Hispanic ----------------------------------------------------------------

WESTERN_FIRST = _words(
    "James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel "
    "Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy "
    "Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin "
    "Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry "
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty "
    "Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah "
    "Jürgen Günter Jörg Björn Søren Zoë Chloé Hélène Amélie Françoise François Jérôme Cécile "
    "André René Noël Loïc Anaïs Maël Klaus Wolfgang Dieter Heinz Horst Uwe Helmut Manfred "
    "Pierre Jean Jacques Michel Philippe Alain Claude Bernard Olivier Thierry Laurent Pascal "
    "Stefan Tobias Lukas Jonas Felix Sebastian Florian Matthias Katrin Sabine Ute Birgit Anke"
)
WESTERN_SURNAMES = _words(
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin "
    "Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott "
    "Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Parker "
    "Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Peterson Cooper Reed Bailey Bell "
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch "
    "Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann "
    "Lange Schmitt Werner Krause Lehmann Köhler Maier Jäger Groß Lefèvre Bernard Dubois Durand "
    "Moreau Laurent Girard Bonnet Lambert Fontaine Rousseau Vincent Mercier Boucher Garnier "
    "Chevalier François Legrand Gauthier Perrin Robin Clément Morin Nicolas Hénin Faure André"
)
_SURNAME_HEADS = _words(
    "Ash Black Brad Brook Burn Cald Clay Cran Dal Dun East Fair Field Glen Green Hal Hart Haw "
    "Holm Kings Lang Lind Mar Mid New North Oak Pen Ral Red Ring Rose Roth Sand Shel South Stan "
    "Stock Stone Strat Thorn Wal West Whit Wil Win Wood Ald Bern Eich Fal Gold Hag Heil Hirsch "
    "Kirch Lich Lö Neu Ober Ried Schön Stein Tann Wald Weiß"
)
_SURNAME_TAILS = _words(
    "ford wood ton field ley well by worth brook bury combe dale ham hurst mere more shaw stead "
    "wick berg mann hof bach feld hausen stein dorf thal ner ler meier"
)
HISPANIC_FIRST = _words(
    "José Juan Luis Carlos Jesús Antonio Manuel Miguel Francisco Javier Alejandro Fernando "
    "Rafael Ricardo Sergio Andrés Raúl Óscar Héctor Rubén Julián Ramón Víctor Iván Adrián "
    "María Ana Lucía Sofía Valentina Isabel Carmen Rosa Elena Paula Mónica Verónica Inés "
    "Beatriz Natalia Camila Daniela Gabriela Andrea Patricia Marisol Leticia Rocío Begoña"
)
HISPANIC_SURNAMES = _words(
    "García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres Flores "
    "Rivera Gómez Díaz Cruz Morales Reyes Gutiérrez Ortiz Chávez Ruiz Jiménez Mendoza Álvarez "
    "Castillo Romero Vargas Herrera Medina Aguilar Guzmán Muñoz Salazar Núñez Ibáñez Peña "
    "Ríos Vega Castro Ramos Delgado Ortega Navarro Domínguez Vázquez Molina Méndez Suárez "
    "Cortés Fuentes Carrillo Espinoza Sandoval Contreras Figueroa Cabrera Campos Rojas Acosta "
    "Benítez Cárdenas Valencia Serrano Márquez Beltrán Pacheco Zúñiga Montoya Sosa Escobar "
    "Bermúdez Quiñones Galván Villalobos Echeverría Olmedo Barrientos Solís Arévalo Cisneros "
    "Abarca Alarcón Andrade Arias Ávila Ayala Barrera Blanco Bravo Bustamante Calderón Camacho "
    "Cano Cardona Carmona Castañeda Cervantes Córdoba Correa Duarte Durán Enríquez Escamilla "
    "Esparza Estrada Farías Ferrer Franco Gallardo Gallegos Garza Gil Guerrero Ibarra Lara "
    "León Lozano Luna Macías Maldonado Marín Mejía Meza Miranda Montes Mora Moreno Nieto Ochoa "
    "Orozco Osorio Padilla Palacios Pineda Ponce Prieto Quintero Rangel Rentería Robles Rosales "
    "Salas Santana Santiago Sepúlveda Soto Tapia Trujillo Urbina Valdés Valenzuela Velázquez "
    "Vera Villanueva Zamora Zapata Aguirre Bañuelos Carvajal Céspedes Iturbide Landívar Ocampo"
)

# --- Organizations and vessels --------------------------------------------------------------

ORG_ROOTS = _words(
    "Volga Ural Baikal Amur Neva Tianjin Shenzhen Dalian Harbin Ningbo Qingdao Gulf Horizon "
    "Orient Global Atlas Pioneer Crescent Falcon Phoenix Zenith Meridian Apex Summit Vector "
    "Nova Stellar Polar Arctic Sahara Levant Euphrates Tigris Caspian Aral Taiga Steppe Sibir "
    "Granite Iron Cobalt Titan Argon Helios Orion Vega Sirius Altair Delta Sigma Omega Kappa "
    "Rosoboron Almaz Tupolev Sukhoi Yakutia Kamchatka Sakhalin Pamir Altai Tayga Dniepr Don"
)
ORG_QUALIFIERS = (
    "International", "United", "First", "Northern", "Eastern", "Southern", "Western", "Joint",
    "Scientific-Production", "Research", "Federal", "National", "Advanced", "General", "Royal",
    "Pacific", "Atlantic", "Continental", "Universal", "Central",
)  # fmt: skip
ORG_SECTORS = (
    "Trading", "Shipping", "Machinery", "Electronics", "Petroleum", "Engineering", "Logistics",
    "Industries", "Aviation", "Technologies", "Resources", "Holding", "Investment", "Chemical",
    "Defense Systems", "Export", "Import", "Mining", "Metallurgical", "Precision Instruments",
    "Heavy Industry", "Navigation", "Telecom", "Energy", "Finance", "Construction",
)  # fmt: skip
ORG_FORMS = ("LLC", "JSC", "Co Ltd", "Ltd", "Group", "Corporation", "FZE", "GmbH", "SA", "PJSC")
VESSEL_WORDS = _words(
    "Ocean Star Sea Wind Pearl Dragon Eagle Spirit Glory Fortune Harmony Victory Grace Wave "
    "Horizon Aurora Neptune Poseidon Triton Coral Jade Amber Ruby Sapphire Emerald Diamond"
)

PUBLIC_BODIES = (
    "Ministry of Defense", "Equipment Development Department", "State Committee",
    "Central Bank", "Security Service",
)  # fmt: skip
POST_TITLES = (
    "Minister of National Defense", "Minister of Foreign Affairs", "Minister of Finance",
    "Director", "Deputy Director", "Chairman", "Deputy Chairman", "Commander", "Chief of Staff",
    "Governor", "Head of Department", "General Manager", "Ambassador", "Prosecutor General",
)  # fmt: skip
COUNTRIES = {"chinese": "cn", "russian": "ru", "arabic": "sy", "western": "de", "hispanic": "ve"}
ARABIC_COUNTRIES = ("sy", "iq", "ye", "ly", "sa", "ae", "eg", "lb")
WESTERN_COUNTRIES = ("us", "gb", "de", "fr", "ch", "at", "be")
HISPANIC_COUNTRIES = ("ve", "mx", "co", "ni", "cu", "es")
CULTURES = ("chinese", "russian", "arabic", "western", "hispanic")
CULTURE_WEIGHTS = (0.22, 0.22, 0.2, 0.2, 0.16)


@dataclass
class SyntheticEntity:
    """One curated entity with its names, tenures, sanction entries and links.

    ``parts`` keeps the structure the names were built from (for query variants).
    Rows use the refdb column names; ids of entries are derived from the entity index.
    """

    index: int
    kind: str
    culture: str
    name: str
    names: list[dict[str, Any]]
    birth_date: str | None
    nationality: str | None
    gender: str | None
    parts: dict[str, Any] = field(default_factory=dict)
    tenures: list[dict[str, Any]] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.index + 1

    def entity_row(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "key": f"syn-{self.index}",
            "kind": self.kind,
            "name": self.name,
            "birth_date": self.birth_date,
            "nationality": self.nationality,
            "gender": self.gender,
            "country": self.nationality,
        }


Maker = Callable[[int, int, int], SyntheticEntity]  # (index, n, seed) -> entity


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random(":".join(map(str, (seed, *parts))))


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _name(text: str, kind: str, script: str = "Latn", lang: str | None = None) -> dict[str, Any]:
    return {"name": text, "kind": kind, "script": script, "lang": lang}


def _birth_date(rng: random.Random) -> str | None:
    roll = rng.random()
    year = rng.randint(1940, 1995)
    if roll < 0.15:
        return None
    if roll < 0.35:
        return str(year)
    if roll < 0.45:
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _chinese(rng: random.Random) -> dict[str, Any]:
    surname = rng.choice(CHINESE_SURNAMES)
    given = "".join(
        rng.choice(CHINESE_GIVEN if rng.random() < 0.5 else GB2312_LEVEL1)
        for _ in range(1 if rng.random() < 0.03 else 2)
    )
    family = CHINESE_SURNAME_READINGS.get(surname) or lazy_pinyin(surname, style=Style.NORMAL, v_to_u=True)[0]
    syllables = lazy_pinyin(given, style=Style.NORMAL, v_to_u=True)
    latin = f"{family.capitalize()} {''.join(syllables).capitalize()}"
    names = [_name(latin, "primary")]
    if rng.random() < 0.5:
        names.append(_name(surname + given, "original_script", "Hani", "zh"))
    return {
        "name": latin,
        "names": names,
        "parts": {"han": surname + given, "family": family, "given": syllables},
        "gender": rng.choice(("male", "female")),
        "nationality": "cn",
    }


def _russian_words(rng: random.Random) -> tuple[list[str], str]:
    male = rng.random() < 0.75
    first = rng.choice(RUSSIAN_MALE if male else RUSSIAN_FEMALE)
    father = rng.choice(RUSSIAN_MALE)
    stem = _PATRONYMIC_STEMS.get(father) or (father + "ов")
    if stem.endswith("ев") or stem.endswith("ов"):
        patronymic = stem[:-2] + ("евич" if stem.endswith("ев") else "ович")
        if not male:
            patronymic = patronymic[:-2] + "на"
    else:
        patronymic = stem + ("ич" if male else "на")
    root = rng.choice(RUSSIAN_ROOTS)
    suffix = rng.choice(RUSSIAN_SUFFIXES)
    surname = root + suffix[0 if male else 1]
    return [first, patronymic, surname], "male" if male else "female"


def _russian(rng: random.Random) -> dict[str, Any]:
    words, gender = _russian_words(rng)
    popular = " ".join(romanise_russian(w, "popular") for w in words)
    names = [_name(popular, "primary")]
    if rng.random() < 0.5:
        names.append(_name(" ".join(romanise_russian(w, "bgn") for w in words), "alias"))
    if rng.random() < 0.5:
        names.append(_name(" ".join(words), "original_script", "Cyrl", "ru"))
    return {
        "name": popular,
        "names": names,
        "parts": {"cyrillic": words},
        "gender": gender,
        "nationality": "ru",
    }


def _arabic_latin(
    parts: list[tuple[str, tuple[str, ...]]],
    family: str,
    rng: random.Random,
    connector: str,
    article: str,
) -> str:
    given = [rng.choice(spellings) for _, spellings in parts]
    chain = f" {connector} ".join(given)
    return f"{chain} {article}{family}"


def _arabic(rng: random.Random) -> dict[str, Any]:
    generations = 3 if rng.random() < 0.8 else 4
    parts = [rng.choice(ARABIC_GIVEN) for _ in range(generations)]
    family_script, family = rng.choice(ARABIC_FAMILY)
    connector = rng.choice(("bin", "ibn"))
    primary = _arabic_latin(parts, family, rng, connector, rng.choice(_ARTICLES))
    names = [_name(primary, "primary")]
    if rng.random() < 0.5:
        other = _arabic_latin(parts, family, rng, rng.choice(("bin", "ibn")), rng.choice(_ARTICLES))
        if other != primary:
            names.append(_name(other, "alias"))
    if rng.random() < 0.5:
        script = " بن ".join(p[0] for p in parts) + " " + family_script
        names.append(_name(script, "original_script", "Arab", "ar"))
    return {
        "name": primary,
        "names": names,
        "parts": {"arabic": parts, "family": family, "connector": connector},
        "gender": "male",
        "nationality": rng.choice(ARABIC_COUNTRIES),
    }


def _western_surname(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(WESTERN_SURNAMES)
    return rng.choice(_SURNAME_HEADS) + rng.choice(_SURNAME_TAILS)


def _western(rng: random.Random) -> dict[str, Any]:
    first = rng.choice(WESTERN_FIRST)
    middle = rng.choice(WESTERN_FIRST) if rng.random() < 0.85 else None
    surname = _western_surname(rng)
    if rng.random() < 0.2:
        surname = f"{surname}-{_western_surname(rng)}"
    primary = " ".join(p for p in (first, middle, surname) if p)
    names = [_name(primary, "primary")]
    if primary != _strip_accents(primary) and rng.random() < 0.5:
        names.append(_name(_strip_accents(primary), "alias"))
    return {
        "name": primary,
        "names": names,
        "parts": {"first": first, "middle": middle, "surname": surname},
        "gender": None,
        "nationality": rng.choice(WESTERN_COUNTRIES),
    }


def _hispanic(rng: random.Random) -> dict[str, Any]:
    first = rng.choice(HISPANIC_FIRST)
    middle = rng.choice(HISPANIC_FIRST) if rng.random() < 0.7 else None
    surnames = f"{rng.choice(HISPANIC_SURNAMES)} {rng.choice(HISPANIC_SURNAMES)}"
    primary = " ".join(p for p in (first, middle, surnames) if p)
    names = [_name(primary, "primary")]
    if rng.random() < 0.3:
        names.append(_name(_strip_accents(primary).upper(), "alias"))
    return {
        "name": primary,
        "names": names,
        "parts": {"first": first, "middle": middle, "surname": surnames},
        "gender": None,
        "nationality": rng.choice(HISPANIC_COUNTRIES),
    }


def _organization(rng: random.Random) -> dict[str, Any]:
    qualifier = rng.choice(ORG_QUALIFIERS) if rng.random() < 0.7 else None
    root, second, sector = rng.choice(ORG_ROOTS), rng.choice(ORG_ROOTS), rng.choice(ORG_SECTORS)
    name = " ".join(p for p in (qualifier, root, second, sector, rng.choice(ORG_FORMS)) if p)
    names = [_name(name, "primary")]
    if rng.random() < 0.4:
        short = " ".join(p for p in (qualifier, root, second, sector) if p)
        names.append(_name(short.upper(), "alias"))
    return {"name": name, "names": names, "parts": {}, "gender": None, "nationality": None}


def _vessel(rng: random.Random) -> dict[str, Any]:
    name = f"{rng.choice(VESSEL_WORDS)} {rng.choice(VESSEL_WORDS)} {rng.randint(1, 999)}".upper()
    names = [_name(name, "primary")]
    return {"name": name, "names": names, "parts": {}, "gender": None, "nationality": None}


_MAKERS: dict[str, Callable[[random.Random], dict[str, Any]]] = {
    "chinese": _chinese,
    "russian": _russian,
    "arabic": _arabic,
    "western": _western,
    "hispanic": _hispanic,
}


def public_body_count(n: int) -> int:
    return max(5, int(n * PUBLIC_BODY_SHARE))


def post_rows(n: int, seed: int = SEED) -> list[dict[str, Any]]:
    """Posts, five per public body (the first ``public_body_count(n)`` entities)."""
    rng = _rng(seed, "posts")
    rows = []
    for body in range(public_body_count(n)):
        for k in range(5):
            rows.append(
                {
                    "id": body * 5 + k + 1,
                    "key": f"syn-post-{body}-{k}",
                    "title": rng.choice(POST_TITLES),
                    "organization_id": body + 1,
                    "country": rng.choice(list(COUNTRIES.values())),
                    "single_holder": k == 0,
                }
            )
    return rows


def list_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Authorities, lists and programs of the synthetic lists."""
    authorities, lists, programs = [], [], []
    for i, (key, authority, authority_name, list_name, codes) in enumerate(LISTS, start=1):
        authorities.append({"id": i, "key": authority, "name": authority_name})
        lists.append({"id": i, "key": key, "authority_id": i, "name": list_name, "published_on": "2025-01"})
        for code in codes:
            programs.append({"id": len(programs) + 1, "authority_id": i, "code": code})
    return authorities, lists, programs


def _listed_names(entity: SyntheticEntity, rng: random.Random) -> list[dict[str, Any]]:
    """The entity's names as a list prints them: "SURNAME, Given" for persons."""
    out = []
    for i, name in enumerate(entity.names):
        text = name["name"]
        if entity.kind == "person" and name["script"] == "Latn" and rng.random() < 0.7:
            *given, surname = text.split()
            text = f"{surname.upper()}, {' '.join(given)}" if given else text.upper()
        out.append({**name, "name": text, "kind": "primary" if i == 0 else name["kind"]})
    return out


def _entries(entity: SyntheticEntity, rng: random.Random, programs: int, prefix: str) -> list[dict[str, Any]]:
    entries = []
    for k, list_index in enumerate(rng.sample(range(len(LISTS)), rng.choice((1, 1, 1, 2)))):
        listed_year = rng.randint(2000, 2024)
        delisted = f"{rng.randint(listed_year + 1, 2026)}-06-01" if rng.random() < 0.1 else None
        entries.append(
            {
                "list_index": list_index,
                "record_id": f"{prefix}{entity.index}-{k}",
                "target_kind": entity.kind,
                "name": entity.names[0]["name"],
                "birth_dates": [entity.birth_date] if entity.birth_date else [],
                "nationalities": [entity.nationality] if entity.nationality else [],
                "listed_on": f"{listed_year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "delisted_on": delisted,
                "names": _listed_names(entity, rng),
                "program_ids": [rng.randrange(programs) + 1],
                "link_status": "confirmed" if rng.random() < 0.7 else "proposed",
            }
        )
    return entries


def make_entity(index: int, n: int, seed: int = SEED, *, linked: bool = True) -> SyntheticEntity:
    """Entity ``index`` of a database of ``n`` (pure function of its arguments).

    ``linked=False`` makes an entry-only target (a listed name nobody curates)."""
    rng = _rng(seed, "entity", index, linked)
    bodies = public_body_count(n)
    if linked and index < bodies:
        body = rng.choice(PUBLIC_BODIES)
        name = f"{rng.choice(ORG_ROOTS)} {rng.choice(ORG_ROOTS)} {body} {index}"
        country = rng.choice(list(COUNTRIES.values()))
        names = [_name(name, "primary")]
        return SyntheticEntity(index, "public_body", "body", name, names, None, country, None)
    roll = rng.random()
    if roll < 0.80:
        culture = rng.choices(CULTURES, CULTURE_WEIGHTS)[0]
        made, kind = _MAKERS[culture](rng), "person"
        birth = _birth_date(rng)
    elif roll < 0.97:
        culture, made, kind, birth = "organization", _organization(rng), "organization", None
    else:
        culture, made, kind, birth = "vessel", _vessel(rng), "vessel", None
    entity = SyntheticEntity(
        index, kind, culture, made["name"], made["names"], birth, made["nationality"],
        made["gender"], made["parts"],
    )  # fmt: skip
    if kind == "person" and linked and rng.random() < TENURE_SHARE:
        start = rng.randint(1990, 2022)
        end = rng.randint(start, 2025) if rng.random() < 0.6 else None
        entity.tenures.append(
            {
                "post_id": rng.randrange(bodies * 5) + 1,
                "start_on": str(start),
                "end_on": str(end) if end else None,
                "status": "ended" if end else "current",
            }
        )
    if not linked or rng.random() < LISTED_SHARE:
        prefix = "SYN-" if linked else "SYN-U-"
        entity.entries = _entries(entity, rng, len(list_rows()[2]), prefix)
    return entity


def iter_entities(n: int, seed: int = SEED, make: Maker | None = None) -> Iterator[SyntheticEntity]:
    """The ``n`` curated entities, in id order (made by ``make``, ``make_entity`` by default)."""
    for index in range(n):
        yield (make or make_entity)(index, n, seed)


# --- officials ---------------------------------------------------------------------------

TENURES_PER_OFFICIAL = 3


def _partial(year: int, rng: random.Random) -> str:
    """A date of ``year`` at the precision sources give: a year, a month or a day."""
    roll = rng.random()
    if roll < 0.3:
        return str(year)
    if roll < 0.5:
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def make_official(index: int, n: int, seed: int = SEED) -> SyntheticEntity:
    """Entity ``index`` of a database of ``n`` officials: the public bodies first (as in
    ``make_entity``), then persons with a career of ``TENURES_PER_OFFICIAL`` posts held one
    after another (the last one often current) and, for ``LISTED_SHARE`` of them, sanction
    entries with links. For the listings benchmark: 100,000 officials, 300,000 tenures."""
    if index < public_body_count(n):
        return make_entity(index, n, seed)
    rng = _rng(seed, "official", index)
    culture = rng.choices(CULTURES, CULTURE_WEIGHTS)[0]
    made = _MAKERS[culture](rng)
    official = SyntheticEntity(
        index, "person", culture, made["name"], made["names"], _birth_date(rng), made["nationality"],
        made["gender"], made["parts"],
    )  # fmt: skip
    year = rng.randint(1985, 2016)
    for k in range(TENURES_PER_OFFICIAL):
        end = year + rng.randint(1, 6)
        current = k == TENURES_PER_OFFICIAL - 1 and (end > 2026 or rng.random() < 0.4)
        official.tenures.append(
            {
                "post_id": rng.randrange(public_body_count(n) * 5) + 1,
                "start_on": _partial(year, rng),
                "end_on": None if current else _partial(end, rng),
                "status": "current" if current else "ended",
            }
        )
        year = end + 1  # the next post starts the year after, so the dates stay ordered
    if rng.random() < LISTED_SHARE:
        official.entries = _entries(official, rng, len(list_rows()[2]), "SYN-O-")
    return official


def iter_unlinked(n: int, seed: int = SEED) -> Iterator[SyntheticEntity]:
    """Targets of sanction entries that no curated entity links to."""
    for index in range(int(n * UNLINKED_ENTRY_SHARE)):
        yield make_entity(index, n, seed, linked=False)


# --- query variants ---------------------------------------------------------------------

VARIANT_KINDS = (
    "case", "word_order", "typo1", "typo2", "spacing", "diacritics", "dropped_middle",
    "han", "wade_giles", "cyrillic", "romanisation", "combined",
)  # fmt: skip
_ACCENTS = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü", "c": "ç", "n": "ñ"}


def _typo(text: str, rng: random.Random) -> str:
    """One edit (substitute, delete, insert, transpose) inside a letter run of 4+ letters."""
    words = text.split(" ")
    choices = [i for i, w in enumerate(words) if sum(c.isalpha() for c in w) >= 4]
    if not choices:
        return text
    w = rng.choice(choices)
    word = words[w]
    positions = [i for i in range(1, len(word)) if word[i].isalpha()]
    i = rng.choice(positions)
    op = rng.choice(("sub", "del", "ins", "swap"))
    letter = rng.choice("abcdefghiklmnoprstuvyz")
    if op == "sub":
        word = word[:i] + letter + word[i + 1 :]
    elif op == "del":
        word = word[:i] + word[i + 1 :]
    elif op == "ins":
        word = word[:i] + letter + word[i:]
    elif i + 1 < len(word) and word[i + 1].isalpha():
        word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    else:
        word = word[:i] + letter + word[i + 1 :]
    words[w] = word
    return " ".join(words)


def _case(text: str, rng: random.Random) -> str:
    return rng.choice((str.upper, str.lower, str.swapcase))(text)


def _word_order(entity: SyntheticEntity, text: str, rng: random.Random) -> str:
    words = text.split()
    if len(words) < 2:
        return text
    if rng.random() < 0.5:
        return f"{words[-1].upper()}, {' '.join(words[:-1])}"
    return " ".join(words[1:] + words[:1])


def _spacing(entity: SyntheticEntity, text: str, rng: random.Random) -> str | None:
    if entity.culture == "chinese" and len(entity.parts["given"]) > 1:
        family, given = entity.parts["family"], entity.parts["given"]
        if rng.random() < 0.5:
            return f"{family.capitalize()} {'-'.join(given).capitalize()}"
        return " ".join(s.capitalize() for s in (family, *given))
    words = text.split()
    if len(words) < 2:
        return None
    i = rng.randrange(len(words) - 1)
    joined = rng.choice(("", "-"))
    return " ".join([*words[:i], words[i] + joined + words[i + 1], *words[i + 2 :]])


def _diacritics(entity: SyntheticEntity, text: str, rng: random.Random) -> str | None:
    if entity.culture not in ("western", "hispanic"):
        return None
    stripped = _strip_accents(text)
    if stripped != text:
        return stripped
    letters = [i for i, c in enumerate(text) if c in _ACCENTS]
    if not letters or not text.isascii():
        return None
    chars = list(text)
    for i in rng.sample(letters, min(2, len(letters))):
        chars[i] = _ACCENTS[chars[i]]
    return "".join(chars)


def _dropped_middle(entity: SyntheticEntity, text: str, rng: random.Random) -> str | None:
    if entity.culture == "russian":
        first, _, surname = entity.parts["cyrillic"]
        return f"{romanise_russian(first, 'popular')} {romanise_russian(surname, 'popular')}"
    if entity.culture == "arabic":
        # Keep the given name, the father's and the family name; drop the grandfathers.
        connector = entity.parts["connector"]
        given, father, *_, last = text.split(f" {connector} ")
        family = last.split(" ", 1)[1]
        return f"{given} {connector} {father} {family}"
    if entity.culture in ("western", "hispanic") and entity.parts.get("middle"):
        return f"{entity.parts['first']} {entity.parts['surname']}"
    return None


def _han(entity: SyntheticEntity, text: str, rng: random.Random) -> str | None:
    return entity.parts["han"] if entity.culture == "chinese" else None


def _wade_giles_variant(entity: SyntheticEntity, text: str, rng: random.Random) -> str | None:
    if entity.culture != "chinese":
        return None
    family = wade_giles(entity.parts["family"]).capitalize()
    given = "-".join(wade_giles(s) for s in entity.parts["given"]).capitalize()
    if rng.random() < 0.3:  # apostrophes and umlauts are often dropped
        given = _strip_accents(given.replace("'", ""))
    return f"{family} {given}"


def _cyrillic(entity: SyntheticEntity, text: str, rng: random.Random) -> str | None:
    return " ".join(entity.parts["cyrillic"]) if entity.culture == "russian" else None


def _romanisation(entity: SyntheticEntity, text: str, rng: random.Random) -> str | None:
    if entity.culture == "russian":
        system = rng.choice(("icao", "scholarly", "german"))
        return " ".join(romanise_russian(w, system) for w in entity.parts["cyrillic"])
    if entity.culture == "arabic":
        stored = {n["name"] for n in entity.names}
        for _ in range(5):
            connector = rng.choice(("bin", "ibn"))
            article = rng.choice(("", "al-", "Al ", "el "))
            other = _arabic_latin(entity.parts["arabic"], entity.parts["family"], rng, connector, article)
            if other not in stored:
                return other
    return None


_VARIANTS: dict[str, Callable[[SyntheticEntity, str, random.Random], str | None]] = {
    "case": lambda e, t, r: _case(t, r),
    "word_order": _word_order,
    "typo1": lambda e, t, r: _typo(t, r),
    "typo2": lambda e, t, r: _typo(_typo(t, r), r),
    "spacing": _spacing,
    "diacritics": _diacritics,
    "dropped_middle": _dropped_middle,
    "han": _han,
    "wade_giles": _wade_giles_variant,
    "cyrillic": _cyrillic,
    "romanisation": _romanisation,
}
_COMBINABLE = ("case", "word_order", "typo1", "diacritics")
_SOURCE_VARIANTS = ("spacing", "dropped_middle", "wade_giles", "cyrillic", "romanisation")


def _variant(kind: str, entity: SyntheticEntity, rng: random.Random) -> str | None:
    text = entity.name
    if kind != "combined":
        result = _VARIANTS[kind](entity, text, rng)
        return result if result and result != text else None
    # A source change (script, romanisation, spacing, dropped middle name) or the name
    # itself, then one or two surface changes on top of it.
    source = rng.choice((*_SOURCE_VARIANTS, "none"))
    base = text if source == "none" else _VARIANTS[source](entity, text, rng)
    if not base:
        return None
    for surface in rng.sample(_COMBINABLE, 2):
        base = _VARIANTS[surface](entity, base, rng) or base
    return base if base != text else None


def make_queries(n: int, count: int, seed: int = SEED) -> list[dict[str, Any]]:
    """``count`` labelled queries over a database of ``n`` entities, about equally many of
    each variant kind: {query, variant, target_id, culture, records: [(list, record_id)]}."""
    rng = _rng(seed, "queries", n)
    bodies = public_body_count(n)
    queries: list[dict[str, Any]] = []
    per_kind = max(1, count // len(VARIANT_KINDS))
    for kind in VARIANT_KINDS:
        made = attempts = 0
        while made < per_kind and attempts < per_kind * 200:
            attempts += 1
            entity = make_entity(rng.randrange(bodies, n), n, seed)
            text = _variant(kind, entity, rng)
            if text is None:
                continue
            queries.append(
                {
                    "query": text,
                    "variant": kind,
                    "target_id": entity.id,
                    "culture": entity.culture,
                    "birth_date": entity.birth_date,
                    "records": [(LISTS[e["list_index"]][0], e["record_id"]) for e in entity.entries],
                }
            )
            made += 1
    return queries


def name_key(text: str) -> tuple[str, ...]:
    """A name as a set of words, order aside: what "the same name" means for absent names."""
    from refdb.matching.normalize import normalize_name

    return tuple(sorted(normalize_name(text).split()))


def make_absent_names(
    count: int, taken: Callable[[tuple[str, ...]], bool], seed: int = SEED
) -> list[dict[str, Any]]:
    """``count`` names of nobody in the database: persons and organizations built from
    the same pools as the database's (so they share surnames, given names and words
    with it), written as any of their names (Latin, Han, Cyrillic, Arabic script), none
    of whose names is one the database holds (``taken`` tells, given ``name_key``).
    Deterministic for a seed and a database: {query, culture, birth_date, nationality}."""
    rng = _rng(seed, "absent")
    names: list[dict[str, Any]] = []
    while len(names) < count:
        if rng.random() < 0.85:
            culture = rng.choices(CULTURES, CULTURE_WEIGHTS)[0]
            made, birth = _MAKERS[culture](rng), _birth_date(rng)
        else:
            culture, made, birth = "organization", _organization(rng), None
        if any(taken(name_key(n["name"])) for n in made["names"]):
            continue
        query = rng.choice(made["names"])["name"]
        names.append(
            {"query": query, "culture": culture, "birth_date": birth, "nationality": made["nationality"]}
        )
    return names


def collision_rates(n: int, seed: int = SEED) -> dict[str, float]:
    """Share of entities whose normalised primary name is shared with another
    entity: overall ("all") and per culture."""
    from refdb.matching.normalize import normalize_name

    names: Counter[str] = Counter()
    cultures: list[tuple[str, str]] = []
    for entity in iter_entities(n, seed):
        key = normalize_name(entity.name)
        names[key] += 1
        cultures.append((entity.culture, key))
    totals: Counter[str] = Counter()
    shared: Counter[str] = Counter()
    for culture, key in cultures:
        totals[culture] += 1
        shared[culture] += names[key] > 1
    rates = {culture: shared[culture] / totals[culture] for culture in sorted(totals)}
    rates["all"] = sum(shared.values()) / n
    return rates


# --- loading ---------------------------------------------------------------------------

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)  # created_at, first_seen...: fixed, for repeatable runs
BATCH = 20_000


def _unlinked(n: int, seed: int, entries: int | None, made: Callable[[], int]) -> Iterator[SyntheticEntity]:
    """Entry-only targets: the generator's share of ``n``, or, with ``entries``, as many
    as it takes for ``made()`` (entries so far) to reach it (none when already there)."""
    if entries is None:
        yield from iter_unlinked(n, seed)
        return
    index = 0
    while made() < entries:
        yield make_entity(index, n, seed, linked=False)
        index += 1


def _rows(
    n: int, seed: int, entries: int | None, cited: bool, make: Maker | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table, row) for a whole synthetic database, parents before children; ids in order."""
    from refdb import dates
    from refdb.matching.normalize import normalize_name

    counters: Counter[str] = Counter()

    def row(table: str, **values: Any) -> tuple[str, dict[str, Any]]:
        counters[table] += 1
        return table, {"id": counters[table], **values}

    def cite(table: str, subject_id: int) -> Iterator[tuple[str, dict[str, Any]]]:
        if cited:
            yield row("citation", source_id=1, subject_table=table, subject_id=subject_id)

    if cited:
        yield row("source", kind="list_file", title="Synthetic list files", verified=True)
    authorities, lists, programs = list_rows()
    yield from (("authority", r) for r in authorities)
    yield from (("sanction_list", r) for r in lists)
    yield from (("program", r) for r in programs)
    entities = iter_entities(n, seed, make)
    for body in islice(entities, public_body_count(n)):  # posts refer to these
        yield "entity", {**body.entity_row(), "created_at": NOW}
        yield row(
            "name", entity_id=body.id, **body.names[0], normalized=normalize_name(body.names[0]["name"])
        )
    yield from (("post", r) for r in post_rows(n, seed))
    curated = ((entity, True) for entity in entities)
    listed_only = (
        (entity, False) for entity in _unlinked(n, seed, entries, lambda: counters["sanction_entry"])
    )
    for entity, linked in chain(curated, listed_only):
        if linked:
            yield "entity", {**entity.entity_row(), "created_at": NOW}
            for name in entity.names:
                yield row("name", entity_id=entity.id, **name, normalized=normalize_name(name["name"]))
            for tenure in entity.tenures:
                yield row(
                    "tenure",
                    **tenure,
                    person_id=entity.id,
                    start_from=dates.earliest_or_none(tenure["start_on"]),
                    end_until=dates.latest_or_none(tenure["end_on"]),
                    acting=False,
                )
                yield from cite("tenure", counters["tenure"])
        for entry in entity.entries:
            listed, delisted = entry["listed_on"], entry["delisted_on"]
            table, values = row(
                "sanction_entry",
                list_id=lists[entry["list_index"]]["id"],
                record_id=entry["record_id"],
                target_kind=entry["target_kind"],
                name=entry["name"],
                birth_dates=entry["birth_dates"],
                birth_places=[],
                nationalities=entry["nationalities"],
                addresses=[],
                identifiers=[],
                measures=[],
                listed_on=listed,
                delisted_on=delisted,
                listed_from=dates.earliest_or_none(listed),
                delisted_from=dates.earliest_or_none(delisted),
                raw={},
                first_seen=NOW,
                last_seen=NOW,
                source_id=1 if cited else None,
            )
            yield table, values
            for name in entry["names"]:
                yield row(
                    "entry_name", entry_id=values["id"], **name, normalized=normalize_name(name["name"])
                )
            for program_id in entry["program_ids"]:
                yield row("entry_program", entry_id=values["id"], program_id=program_id)
            if linked:
                confirmed = entry["link_status"] == "confirmed"
                yield row(
                    "link",
                    entity_id=entity.id,
                    entry_id=values["id"],
                    status=entry["link_status"],
                    basis="named" if confirmed else None,
                    score=1.0,
                    proposed_by="importer",
                    proposed_at=NOW,
                    decided_by="curator" if confirmed else None,
                    decided_at=NOW if confirmed else None,
                    decision_reason="names, birth date and nationality agree" if confirmed else None,
                    needs_review=False,
                )
                yield from cite("link", counters["link"])


def fill(
    engine: Engine,
    entities: int,
    *,
    seed: int = SEED,
    entries: int | None = None,
    cited: bool = False,
    change_records: bool = False,
    index: bool = True,
    batch: int = BATCH,
    make: Maker | None = None,
) -> dict[str, int]:
    """Migrate the empty database behind ``engine`` and write the synthetic one into it
    with plain executemany, in batches: ``entities`` curated entities (public bodies
    first) with their names, posts, tenures, sanction entries (listed names, programs)
    and links, and entries whose targets nobody curates. Returns row counts per table.

    ``entries``: add entry-only targets until there are this many sanction entries in
    all (0: none; None: the generator's share). ``cited``: one verified source, cited
    by every entry, tenure and link. ``change_records``: a chained "create" record per
    row (``write_create_records``). ``index``: bring the search index up to date, as an
    import would leave it. ``make``: what makes entity *i* (``make_official`` for a
    database of officials; ``make_entity`` by default)."""
    from sqlmodel import SQLModel

    import refdb.models  # noqa: F401  (the tables)
    from refdb import migrate
    from refdb.search.service import refresh_index

    migrate.upgrade(engine)
    tables = SQLModel.metadata.tables
    pending: dict[str, list[dict[str, Any]]] = {}
    counts: Counter[str] = Counter()

    def flush(connection: Connection) -> None:
        # Tables in order of first appearance: parents before children.
        for table, rows in pending.items():
            if rows:
                connection.execute(tables[table].insert(), rows)
                rows.clear()

    with engine.begin() as connection:
        for table, row in _rows(entities, seed, entries, cited, make):
            pending.setdefault(table, []).append(row)
            counts[table] += 1
            if len(pending[table]) >= batch:
                flush(connection)
        flush(connection)
    if change_records:
        counts["change"] = write_create_records(engine, batch)
    if index:
        with engine.begin() as connection:
            counts["search_docs"] = refresh_index(connection)
    return dict(counts)


def write_create_records(engine: Engine, batch: int = BATCH) -> int:
    """A "create" change record for every row of the Editor's tables, read back as
    stored and chained as the Editor would chain them (it would take hours to write
    this many rows itself), so that the history rules see a consistent log."""
    from sqlalchemy import select

    from refdb import changelog
    from refdb.models import Change, Source
    from refdb.services.validation import VALIDATORS

    # Sources first: entries refer to them.
    order = [Source.__table__] + [m.__table__ for m in VALIDATORS if m is not Source]  # type: ignore[attr-defined]
    previous = changelog.GENESIS
    records = 0
    pending: list[dict[str, Any]] = []
    with engine.begin() as connection:
        for table in order:
            for row in connection.execute(select(table).order_by(table.c.id)).mappings():
                entity_id = (
                    row["id"] if table.name == "entity" else row.get("entity_id", row.get("person_id"))
                )
                change = Change(
                    at=NOW,
                    actor="benchmark",
                    action="create",
                    table_name=table.name,
                    row_id=row["id"],
                    entity_id=entity_id,
                    after=changelog.canonical_json(changelog.json_ready(dict(row))),
                    reason="synthetic load",
                    prev_hash=previous,
                )
                change.hash = previous = changelog.record_hash(change)
                pending.append(change.model_dump(exclude={"id"}))  # the database numbers them
                if len(pending) >= batch:
                    connection.execute(Change.__table__.insert(), pending)  # type: ignore[attr-defined]
                    records += len(pending)
                    pending = []
        if pending:
            connection.execute(Change.__table__.insert(), pending)  # type: ignore[attr-defined]
            records += len(pending)
    return records


def load(url: str, n: int, seed: int = SEED, *, batch: int = BATCH) -> dict[str, int]:
    """``fill`` the empty refdb database at ``url`` (SQLite path/URL or PostgreSQL URL)
    with ``n`` synthetic entities; returns row counts per table."""
    from refdb.connection import make_engine, resolve_url

    engine = make_engine(resolve_url(url))
    try:
        return fill(engine, n, seed=seed, batch=batch)
    finally:
        engine.dispose()


# --- officials as FollowTheMoney entities (refdb import ftm) -----------------------------

FTM_POSITIONS_PER_BODY = 5


def iter_ftm_officials(
    people: int, tenures_per_person: int = 3, seed: int = SEED
) -> Iterator[dict[str, Any]]:
    """``people`` officials as FtM JSON-lines entities, OpenSanctions PEP style: public
    bodies and their Positions first, then each Person (named by culture as above, with a
    wikidataId) followed by ``tenures_per_person`` Occupancies of distinct positions, dated at
    year, month or day precision, ended or current. Streams: nothing is held."""
    bodies = max(5, people // 250)
    rng = _rng(seed, "ftm-posts")
    for body in range(bodies):
        country = rng.choice(list(COUNTRIES.values()))
        name = f"{rng.choice(ORG_ROOTS)} {rng.choice(PUBLIC_BODIES)} {body}"
        yield {
            "id": f"syn-body-{body}",
            "schema": "PublicBody",
            "properties": {"name": [name], "country": [country]},
        }
        for k, office in enumerate(rng.sample(POST_TITLES, FTM_POSITIONS_PER_BODY)):
            title = f"{office} of {name}"
            properties = {"name": [title], "organization": [f"syn-body-{body}"], "country": [country]}
            yield {"id": f"syn-position-{body}-{k}", "schema": "Position", "properties": properties}
    for index in range(people):
        rng = _rng(seed, "ftm-person", index)
        made = _MAKERS[rng.choices(CULTURES, CULTURE_WEIGHTS)[0]](rng)
        person_id = f"syn-person-{index}"
        values = {
            "name": [made["name"]],
            "alias": [n["name"] for n in made["names"][1:]],
            "wikidataId": [f"Q{90_000_000 + index}"],
            "nationality": [made["nationality"]],
            "gender": [made["gender"]],
            "birthDate": [_birth_date(rng)],
        }
        properties = {prop: kept for prop, items in values.items() if (kept := [v for v in items if v])}
        yield {"id": person_id, "schema": "Person", "properties": properties}
        positions = rng.sample(range(bodies * FTM_POSITIONS_PER_BODY), tenures_per_person)
        for k, position in enumerate(positions):
            post = f"syn-position-{position // FTM_POSITIONS_PER_BODY}-{position % FTM_POSITIONS_PER_BODY}"
            yield _ftm_occupancy(rng, f"{person_id}-{k}", person_id, post)


def _ftm_occupancy(rng: random.Random, occupancy_id: str, holder: str, post: str) -> dict[str, Any]:
    start = _birth_date(rng) or str(rng.randint(1990, 2024))
    start = str(rng.randint(1990, 2024)) + start[4:]  # a tenure's dates, at a birth date's precisions
    ended = rng.random() < 0.6
    properties = {
        "holder": [holder],
        "post": [post],
        "startDate": [start],
        "status": ["ended" if ended else rng.choice(("current", "unknown"))],
    }
    if ended:
        properties["endDate"] = [str(min(2026, int(start[:4]) + rng.randint(1, 6)))]
    return {"id": occupancy_id, "schema": "Occupancy", "properties": properties}


def write_ftm_officials(path: Any, people: int, tenures_per_person: int = 3, seed: int = SEED) -> int:
    """Write ``iter_ftm_officials`` to ``path`` as JSON lines; returns the number of entities."""
    import json

    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for entity in iter_ftm_officials(people, tenures_per_person, seed):
            handle.write(json.dumps(entity, ensure_ascii=False) + "\n")
            count += 1
    return count


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=24)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    rates = collision_rates(args.entities, args.seed)
    print(f"{args.entities} entities: {rates.pop('all'):.2%} share their normalised primary name")
    print("  " + ", ".join(f"{culture} {rate:.2%}" for culture, rate in rates.items()))
    for q in make_queries(args.entities, args.queries, args.seed):
        print(f"{q['variant']:>15}  {q['query']!r} -> {q['target_id']}")
