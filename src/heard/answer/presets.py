"""Department presets. ``teddycup_departments()``: the seven first-level departments of the 2020
Teddy Cup city message board, with descriptions and keywords written for Heard (not taken from the
competition data, which has no licence).

Keywords are the words residents use for a concern, in Chinese and English; the zero-shot router
embeds each one and matches it in the text, so a department is best described by many short,
concrete phrases. Deadlines follow the 12345-hotline habit (a consultation is answered sooner than a
complaint); they are defaults for an operator to change in ``heard.toml``.
"""

from __future__ import annotations

from heard.answer.departments import Department

_DEADLINES = {"default": 15, "consultation": 5, "complaint": 15, "suggestion": 20}

# One keyword per line would make this table 600 lines long.
# fmt: off
_TEDDYCUP: list[dict] = [
    {
        "code": "urban_rural_construction",
        "name_zh": "城乡建设",
        "name_en": "Urban and rural construction",
        "description_zh": "住房与小区、物业管理、房屋质量与交房办证、征地拆迁与安置、城市规划、市政"
                          "设施、"
        "供水供电供气、城市管理与市容环境卫生、违章建筑、农村基础设施建设。",
        "description_en": "Housing estates, property management, building quality, handover and "
        "title deeds, land requisition and demolition, urban planning, municipal facilities, "
        "water, power and gas supply, city management and illegal buildings, rural infrastructure.",
        "keywords": [
            "小区", "物业", "物业费", "业主", "业委会", "开发商", "楼盘", "商品房", "交房",
            "延期交房",
            "房产证", "不动产证", "办证", "房屋质量", "漏水", "墙体开裂", "车位", "停车",
            "拆迁", "征收", "征地", "安置房", "补偿款", "棚改", "棚户区改造", "老旧小区改造",
            "违章建筑", "违建", "私搭乱建", "城管", "占道经营", "摊贩", "规划", "建设项目", "施工",
            "工地", "市政", "路灯", "下水道", "排水", "积水", "道路破损", "修路", "人行道", "绿化",
            "停水", "自来水", "水压", "停电", "供电", "电网", "燃气", "天然气", "管道", "供暖",
            "公租房", "廉租房", "保障性住房", "经济适用房", "住房公积金", "村道", "农村建房",
            "宅基地", "安全隐患", "消防通道", "危房", "城市管理", "市容", "环境卫生", "环卫",
            "垃圾桶",
            "垃圾清运", "公厕", "公共厕所", "园林", "树木修剪", "养犬", "养狗",
            "housing estate", "property management", "landlord", "demolition", "relocation",
            "building quality", "water supply", "power cut", "street light", "illegal construction",
            "estate management", "service charge", "lift", "elevator", "handover", "title deed",
            "developer", "homeowners", "owners' committee", "compensation", "resettlement",
            "urban planning", "road works", "pavement", "sidewalk", "drain", "drainage",
            "flooding", "no water", "water pipe", "burst main", "power outage", "blackout",
            "gas supply", "heating", "public housing", "renovation", "unsafe building",
            "street vendor", "city management", "rubbish collection", "public toilet",
            "stray dogs", "village road", "parking space",
        ],
    },
    {
        "code": "environmental_protection",
        "name_zh": "环境保护",
        "name_en": "Environmental protection",
        "description_zh": "噪音、废气、粉尘、油烟、污水、垃圾焚烧等污染扰民，河流与饮用水源保护，"
        "工厂、搅拌站、养殖场、采石采砂的排污与生态破坏，辐射与环境评价。",
        "description_en": "Pollution that disturbs residents: noise, fumes, dust, cooking smoke, "
        "sewage and waste burning; rivers and drinking-water sources; discharges of factories, "
        "concrete plants, farms and quarries; ecological damage; radiation; impact assessments.",
        "keywords": [
            "污染", "环境污染", "噪音", "噪声", "扰民", "夜间施工", "废气", "臭气", "异味", "恶臭",
            "粉尘", "扬尘", "灰尘", "油烟", "烟雾", "污水", "排污", "偷排", "直排", "黑臭水体",
            "河道", "河流污染", "水源", "饮用水源", "水质", "垃圾焚烧", "焚烧", "垃圾填埋场",
            "搅拌站", "沥青站", "化工厂", "工厂排放", "砖厂", "采石场", "采砂", "非法采砂", "矿山",
            "养猪场", "养殖场", "畜禽养殖", "生态", "生态破坏", "毁林", "砍伐", "湿地", "环保",
            "环评", "环境评价", "辐射", "基站辐射", "高压线", "土壤", "重金属", "雾霾", "空气质量",
            "垃圾分类", "environmental", "pollution", "noise", "dust", "sewage", "smell", "fumes",
            "emissions", "waste burning", "river pollution", "radiation",
            "air quality", "smog", "odour", "odor", "stench", "chemical smell", "discharge",
            "polluted", "contaminated", "waste water", "wastewater", "factory smoke",
            "construction noise", "loud music", "night work", "concrete plant", "quarry",
            "sand dredging", "illegal mining", "pig farm", "livestock farm", "manure",
            "wetland", "deforestation", "logging", "environmental impact", "burning rubbish",
            "mobile mast", "landfill", "incinerator",
        ],
    },
    {
        "code": "transport",
        "name_zh": "交通运输",
        "name_en": "Transport",
        "description_zh": "公交线路与站点、出租车与网约车、长途客运与汽车站、高速公路与收费站、"
        "国道省道与农村公路、轨道交通与铁路、驾校、货运车辆与道路运输证。",
        "description_en": "Bus routes and stops, taxis and ride-hailing, coaches and bus stations, "
        "expressways and toll gates, highways and rural roads, metro and railways, "
        "driving schools, freight vehicles and road-transport permits.",
        "keywords": [
            "交通", "公交", "公交车", "公交线路", "公交站", "站台", "班车", "客运", "汽车站",
            "长途车", "出租车", "的士", "网约车", "滴滴", "司机", "拒载", "绕路", "高速",
            "高速公路",
            "收费站", "过路费", "通行费", "ETC", "国道", "省道", "公路", "农村公路", "路网", "桥梁",
            "地铁", "轨道交通", "城际铁路", "高铁", "火车站", "铁路", "机场", "航班", "码头",
            "渡口",
            "驾校", "驾照", "驾驶证", "学车", "货车", "运输证", "道路运输", "超载", "超限", "物流",
            "共享单车", "车辆年检", "营运车辆", "交通运输局", "运管",
            "transport", "bus route", "bus stop", "taxi", "ride-hailing", "expressway", "toll",
            "metro", "railway", "driving school", "freight",
            "bus", "bus service", "bus driver", "timetable", "night bus", "coach", "coach station",
            "taxi driver", "cab", "fare", "detour", "highway", "motorway", "ring road",
            "rural road", "pothole", "bridge", "subway", "train", "train station",
            "railway station", "airport", "ferry", "traffic", "lorry", "truck", "overloaded",
            "commuters", "rush hour", "road transport",
        ],
    },
    {
        "code": "education_culture_sports",
        "name_zh": "教育文体",
        "name_en": "Education, culture and sports",
        "description_zh": "幼儿园、中小学与高校的入学、学位、收费、补课、校车和校园安全，教师待遇与"
                          "编制，"
        "考试招生，学生实习，图书馆、文化、广播电视、文物与体育设施。",
        "description_en": "Kindergartens, schools and universities: admission, school places, "
        "fees, extra classes, school buses and safety; teachers' pay and posts; exams and "
        "enrolment; student internships; libraries, culture, broadcasting, heritage and sports "
        "facilities.",
        "keywords": [
            "教育", "学校", "幼儿园", "小学", "初中", "中学", "高中", "大学", "学院", "职业学校",
            "学生", "家长", "孩子上学", "入学", "招生", "学位", "学区", "划片", "择校", "转学",
            "学籍", "教师", "老师", "教师工资", "乡村教师", "代课教师", "特岗教师", "教师编制",
            "教育局", "补课", "课外辅导", "培训机构", "学费", "教辅资料", "乱收费", "校车", "食堂",
            "校园", "高考", "中考", "考试", "实习", "毕业证", "文化", "图书馆", "文化馆", "博物馆",
            "文物", "广播电视", "有线电视", "体育", "体育馆", "健身", "运动场", "广场舞", "网吧",
            "education", "school", "kindergarten", "teacher", "student", "tuition", "admission",
            "exam", "library", "sports",
            "primary school", "middle school", "high school", "university", "college",
            "pupil", "classroom", "homework", "tutoring", "cram school", "training centre",
            "school place", "catchment", "enrolment", "enrollment", "school fees",
            "school canteen", "school bus", "entrance exam", "museum", "theatre",
            "cultural centre", "stadium", "sports centre", "swimming pool", "playground",
            "basketball court", "football pitch",
        ],
    },
    {
        "code": "labour_social_security",
        "name_zh": "劳动和社会保障",
        "name_en": "Labour and social security",
        "description_zh": "拖欠工资、劳动合同与劳动仲裁、工伤，社会保险、养老金与医疗保险，就业创业"
                          "与招聘，"
        "事业单位人事与编制，退休待遇，低保与社会救助，退役军人与残疾人保障。",
        "description_en": "Unpaid wages, labour contracts and arbitration, work injuries; social "
        "insurance, pensions and medical insurance; jobs, recruitment and start-ups; public-sector "
        "staffing; retirement benefits; minimum living allowance and relief; veterans and "
        "disability.",
        "keywords": [
            "工资", "拖欠工资", "欠薪", "讨薪", "农民工", "血汗钱", "加班", "劳动合同", "辞退",
            "解雇", "劳动仲裁", "劳动监察", "工伤", "社保", "社会保险", "养老保险", "养老金",
            "退休", "退休工资", "退休待遇", "医保", "医疗保险", "医保报销", "失业保险", "失业",
            "就业", "招聘", "考试录用", "公务员", "事业单位", "编制", "人事", "职称", "人社局",
            "低保", "五保", "社会救助", "困难补助", "残疾人", "退役军人", "复员", "优抚", "下岗",
            "买断工龄", "企业改制", "待遇", "补贴", "人才引进", "创业", "新农合", "城乡居民医保",
            "生育津贴", "职业病", "尘肺", "职工", "员工权益",
            "wages", "unpaid salary", "labour contract", "pension", "social insurance",
            "unemployment", "employment", "retirement", "work injury", "minimum living allowance",
            "wage arrears", "unpaid wages", "owed pay", "salary", "employer", "boss", "dismissed",
            "fired", "laid off", "overtime", "working hours", "labour dispute", "labor dispute",
            "contract", "migrant workers", "job centre", "vocational training", "pension account",
            "basic pension", "social security", "medical insurance", "insurance contributions",
            "unemployment benefit", "maternity leave", "injury at work", "resignation",
            "labour inspection", "minimum wage",
        ],
    },
    {
        "code": "commerce_tourism",
        "name_zh": "商贸旅游",
        "name_en": "Commerce and tourism",
        "description_zh": "商家与消费纠纷、价格与收费、市场与商铺经营、假冒伪劣、预付卡与退款，"
        "传销与非法集资，食品安全与生猪屠宰，电梯等特种设备安全，水电气收费，企业与营商环境，"
        "快递、邮政、通信与网络服务，旅游景区、门票与旅行社。",
        "description_en": "Shops and consumer disputes, prices and charges, markets and shop "
        "licences, fake goods, prepaid cards and refunds; pyramid selling and illegal "
        "fund-raising; "
        "businesses and the business climate; couriers, telecom and internet services; tourist "
        "sites, tickets and travel agencies.",
        "keywords": [
            "商家", "商店", "超市", "商场", "商铺", "门面", "店铺", "市场", "农贸市场", "菜市场",
            "消费者", "消费", "维权", "退款", "退费", "预付卡", "会员卡", "价格", "物价", "涨价",
            "收费标准", "垄断", "假货", "假冒伪劣", "产品质量", "欺诈", "虚假宣传", "合同纠纷",
            "营业执照", "工商", "市场监管", "企业", "公司", "营商环境", "招商引资", "传销",
            "非法集资", "集资", "理财", "投资", "P2P", "金融", "银行", "保险公司", "快递", "电信",
            "移动", "联通", "宽带", "网络", "旅游", "景区", "景点", "门票", "旅行社", "导游",
            "酒店", "民宿", "餐饮", "饭店", "KTV", "烟花爆竹", "电梯安全", "特种设备", "食品安全",
            "屠宰", "屠宰场", "生猪", "猪肉", "保健品", "燃气费", "入户费", "水电费", "邮政",
            "快递费",
            "捆绑销售", "房地产销售",
            "shop", "consumer", "refund", "price", "market", "fake goods", "fraud",
            "illegal fund-raising", "tourism", "tourist site", "travel agency",
            "supermarket", "store", "shopkeeper", "seller", "merchant", "online shop",
            "expired", "expiry date", "counterfeit", "fake product", "overcharged",
            "prepaid card", "membership card", "receipt", "scales", "short weight",
            "price hike", "hotel", "tour guide", "tour group", "scenic area", "tickets",
            "ticket touts", "attraction", "night market", "courier", "delivery", "broadband",
            "phone company", "telecom", "petrol station", "business licence", "pyramid selling",
        ],
    },
    {
        "code": "health_family_planning",
        "name_zh": "卫生计生",
        "name_en": "Health and family planning",
        "description_zh": "医院与诊所的看病就医、医疗纠纷、医生与医德、药品与疫苗、疾病防控与公共卫"
                          "生，"
        "乡镇卫生院与村医，计划生育、生育证与社会抚养费，独生子女与计生家庭待遇。",
        "description_en": "Hospitals and clinics, medical disputes, doctors, medicines and "
        "vaccines, disease control and public health, township health centres and village doctors; "
        "family planning, birth permits, social upbringing fees, one-child and family-planning "
        "households' benefits.",
        "keywords": [
            "医院", "卫生院", "诊所", "社区卫生服务", "看病", "就医", "挂号", "住院", "手术",
            "医生", "护士", "医疗", "医疗事故", "医疗纠纷", "医患", "误诊", "医德", "红包",
            "药品", "药店", "药价", "疫苗", "接种", "疾控", "传染病", "防疫", "公共卫生", "体检",
            "村医", "乡村医生", "卫健委", "卫生局", "计划生育", "计生", "生育", "二胎", "二孩",
            "超生", "社会抚养费", "生育证", "准生证", "独生子女", "失独", "计生家庭", "结扎",
            "母婴", "妇幼保健", "出生证明", "献血", "急救", "120", "健康",
            "hospital", "clinic", "doctor", "medical dispute", "medicine", "vaccine",
            "public health", "family planning", "birth permit", "one-child",
            "emergency department", "A&E", "patient", "nurse", "surgery", "operation",
            "prescription", "pharmacy", "drugs", "insulin", "vaccination", "health centre",
            "community health", "family doctor", "outbreak", "epidemic", "infection", "fever",
            "disease", "medical bill", "medical fees", "blood test", "dentist",
            "unlicensed clinic", "maternity ward", "pregnancy", "prenatal", "birth allowance",
            "second child", "food hygiene", "health inspection",
        ],
    },
]
# fmt: on


def teddycup_departments() -> list[Department]:
    """The seven Teddy Cup first-level departments, in the board's label order (ids 0–6)."""
    return [
        Department(
            code=d["code"],
            name_zh=d["name_zh"],
            name_en=d["name_en"],
            description_zh=d["description_zh"],
            description_en=d["description_en"],
            keywords=tuple(dict.fromkeys(d["keywords"])),
            deadline_days=dict(_DEADLINES),
        )
        for d in _TEDDYCUP
    ]
