"""Name, place and employer pools for synthetic data. All invented; none is a real person."""

# Nationality (as the card shows it) → share of the SSW population, roughly mid-2025.
NATIONALITY_WEIGHTS = {
    "ベトナム": 44, "インドネシア": 18, "フィリピン": 10, "ミャンマー": 10, "中国": 7, "ネパール": 3,
    "カンボジア": 2, "タイ": 2, "スリランカ": 1.5, "インド": 0.8, "モンゴル": 0.6, "バングラデシュ": 0.5,
    "ウズベキスタン": 0.5, "台湾": 0.3, "韓国": 0.3,
}

# Roman-letter name parts per nationality: (family names, given names, family-first).
ROMAN_NAMES = {
    "ベトナム": (
        ["NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "HUYNH", "PHAN", "VU", "VO", "DANG", "BUI", "DO"],
        ["VAN AN", "THI HOA", "DUC MINH", "THI LAN", "VAN HUNG", "NGOC ANH", "THI MAI", "HUU PHUOC",
         "THI THAO", "VAN NAM", "MINH TUAN", "THI TRANG", "QUANG HUY", "THI LINH"],
        True,
    ),
    "インドネシア": (
        ["SANTOSO", "WIJAYA", "HIDAYAT", "SAPUTRA", "LESTARI", "PRATAMA", "KURNIAWAN", "RAHMAWATI"],
        ["AGUS", "SITI", "DEWI", "BUDI", "RIZKY", "PUTRI", "ADI", "NUR", "EKA", "INDAH"],
        False,
    ),
    "フィリピン": (
        ["SANTOS", "REYES", "CRUZ", "BAUTISTA", "GARCIA", "MENDOZA", "DELA CRUZ", "VILLANUEVA"],
        ["MARIA CLARA", "JOSE", "ANGELICA", "MARK ANTHONY", "KRISTINE", "JOHN PAUL", "ROSALIE"],
        True,
    ),
    "ミャンマー": (
        ["AUNG", "KYAW", "THIN", "MYA", "ZAW", "HTET", "SU", "NAING"],
        ["MIN THU", "KO KO", "THIN AYE", "MYAT NOE", "ZAW LIN", "HNIN WAI", "PHYO WAI"],
        True,
    ),
    "ネパール": (
        ["GURUNG", "THAPA", "SHRESTHA", "TAMANG", "RAI", "MAGAR", "KC", "SHARMA"],
        ["BIKASH", "SITA", "RAM", "ANITA", "SURESH", "PRAKASH", "SABINA", "DIPAK"],
        True,
    ),
}
DEFAULT_ROMAN = (
    ["SOK", "CHAN", "SILVA", "PERERA", "KUMAR", "BAT", "RAHMAN", "KARIMOV", "SOMCHAI", "KIM"],
    ["DARA", "SREY", "NIMAL", "PRIYA", "ERDENE", "ANIK", "DILSHOD", "SOMSAK", "MINJI"],
    True,
)

# Chinese-script names: (kanji, roman) pairs.
KANJI_FAMILY = [("王", "WANG"), ("李", "LI"), ("張", "ZHANG"), ("劉", "LIU"), ("陳", "CHEN"),
                ("楊", "YANG"), ("黄", "HUANG"), ("趙", "ZHAO"), ("呉", "WU"), ("周", "ZHOU")]
KANJI_GIVEN = [("偉", "WEI"), ("芳", "FANG"), ("娜", "NA"), ("敏", "MIN"), ("静", "JING"),
               ("麗", "LI"), ("強", "QIANG"), ("磊", "LEI"), ("軍", "JUN"), ("洋", "YANG"),
               ("小明", "XIAOMING"), ("美玲", "MEILING")]
KANJI_NATIONALITIES = ("中国", "台湾")

# Municipalities: (市区町村コード, prefecture and city).
MUNICIPALITIES = [
    ("011002", "北海道札幌市"), ("041009", "宮城県仙台市"), ("111007", "埼玉県さいたま市"),
    ("121002", "千葉県千葉市"), ("131016", "東京都千代田区"), ("141003", "神奈川県横浜市"),
    ("151009", "新潟県新潟市"), ("221007", "静岡県静岡市"), ("231002", "愛知県名古屋市"),
    ("261009", "京都府京都市"), ("271004", "大阪府大阪市"), ("281000", "兵庫県神戸市"),
    ("331007", "岡山県岡山市"), ("341002", "広島県広島市"), ("401005", "福岡県北九州市"),
    ("401307", "福岡県福岡市"), ("431001", "熊本県熊本市"),
]
TOWNS = ["中央", "本町", "栄町", "緑が丘", "東町", "西新", "南台", "北野", "旭町", "桜木町"]
BUILDINGS = ["", "", "", "コーポ青葉", "ハイツ朝日", "メゾン桜", "グリーンハイム", "第二寮"]

COMPANY_STEMS = ["さくら", "みらい", "東海", "北陸", "山田", "中央", "ひかり", "大和", "あおば", "丸福", "協和"]
FIELD_BUSINESS = {
    "介護": "介護サービス", "ビルクリーニング": "ビルメンテナンス", "工業製品製造業": "精工",
    "建設": "建設", "造船・舶用工業": "造船", "自動車整備": "モータース", "航空": "エアサービス",
    "宿泊": "観光ホテル", "自動車運送業": "運輸", "鉄道": "鉄道サービス", "農業": "農園", "漁業": "水産",
    "飲食料品製造業": "食品", "外食業": "フーズ", "林業": "林業", "木材産業": "木材",
}
# The earlier names of today's fields, newest first: 工業製品製造業 was 素形材・産業機械・電気電子情報関連製造業
# from 2022-08-30, and three fields before that (reference/ssw_fields.csv gives each name's dates).
FIELD_FORMER_NAMES = {
    "工業製品製造業": (
        "素形材・産業機械・電気電子情報関連製造業", "素形材産業", "産業機械製造業", "電気・電子情報関連産業",
    ),
}
# Share of SSW workers by field (roughly the real distribution).
FIELD_WEIGHTS = {
    "飲食料品製造業": 22, "工業製品製造業": 16, "介護": 14, "建設": 11, "農業": 10, "外食業": 9,
    "ビルクリーニング": 3, "造船・舶用工業": 3, "自動車整備": 2, "宿泊": 1.5, "漁業": 1.5,
    "自動車運送業": 1, "航空": 0.5, "鉄道": 0.2, "林業": 0.2, "木材産業": 0.2,
}
JAPANESE_FAMILY = ["山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "加藤"]
JAPANESE_GIVEN = ["太郎", "一郎", "健", "誠", "花子", "洋子", "恵美", "裕子", "浩", "隆"]
PORTS = ["成田空港", "羽田空港", "関西空港", "中部空港", "福岡空港", "新千歳空港"]
