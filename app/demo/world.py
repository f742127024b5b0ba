"""What the worldwide demo entrants are made of: universities abroad, people's names by nationality, projects,
Chinese companies and their registration regions. Names in the script their owners write them in Latin letters."""

#: (code, name, country, city, mail domain): 30 universities of 15 countries, added to the institutions list
#: by the colleges import. The domains are reserved example domains: demo mail never reaches anyone.
WORLD_UNIVERSITIES = (
    ("GB-OXFORD", "University of Oxford", "GB", "Oxford", "oxford.example.org"),
    ("GB-EDINBURGH", "University of Edinburgh", "GB", "Edinburgh", "ed.example.org"),
    ("US-BABSON", "Babson College", "US", "Wellesley", "babson.example.org"),
    ("US-UMICH", "University of Michigan", "US", "Ann Arbor", "umich.example.org"),
    ("DE-TUM", "Technical University of Munich", "DE", "Munich", "tum.example.org"),
    ("DE-MANNHEIM", "University of Mannheim", "DE", "Mannheim", "uni-mannheim.example.org"),
    ("FR-HEC", "HEC Paris", "FR", "Jouy-en-Josas", "hec.example.org"),
    ("FR-ESSEC", "ESSEC Business School", "FR", "Cergy", "essec.example.org"),
    ("JP-HITOTSUBASHI", "Hitotsubashi University", "JP", "Tokyo", "hit-u.example.org"),
    ("JP-KYOTO", "Kyoto University", "JP", "Kyoto", "kyoto-u.example.org"),
    ("KR-SNU", "Seoul National University", "KR", "Seoul", "snu.example.org"),
    ("KR-KAIST", "KAIST", "KR", "Daejeon", "kaist.example.org"),
    ("SG-NUS", "National University of Singapore", "SG", "Singapore", "nus.example.org"),
    ("SG-SMU", "Singapore Management University", "SG", "Singapore", "smu.example.org"),
    ("AU-MELBOURNE", "University of Melbourne", "AU", "Melbourne", "unimelb.example.org"),
    ("AU-UNSW", "UNSW Sydney", "AU", "Sydney", "unsw.example.org"),
    ("CA-TORONTO", "University of Toronto", "CA", "Toronto", "utoronto.example.org"),
    ("CA-MCGILL", "McGill University", "CA", "Montreal", "mcgill.example.org"),
    ("KE-NAIROBI", "University of Nairobi", "KE", "Nairobi", "uonbi.example.org"),
    ("KE-STRATHMORE", "Strathmore University", "KE", "Nairobi", "strathmore.example.org"),
    ("NG-UNILAG", "University of Lagos", "NG", "Lagos", "unilag.example.org"),
    ("NG-COVENANT", "Covenant University", "NG", "Ota", "covenant.example.org"),
    ("BR-USP", "University of São Paulo", "BR", "São Paulo", "usp.example.org"),
    ("BR-FGV", "Getulio Vargas Foundation", "BR", "Rio de Janeiro", "fgv.example.org"),
    ("IN-IIMA", "Indian Institute of Management Ahmedabad", "IN", "Ahmedabad", "iima.example.org"),
    ("IN-DELHI", "University of Delhi", "IN", "New Delhi", "du.example.org"),
    ("TH-CHULA", "Chulalongkorn University", "TH", "Bangkok", "chula.example.org"),
    ("TH-MAHIDOL", "Mahidol University", "TH", "Nakhon Pathom", "mahidol.example.org"),
    ("MY-UM", "Universiti Malaya", "MY", "Kuala Lumpur", "um.example.org"),
    ("MY-UTM", "Universiti Teknologi Malaysia", "MY", "Johor Bahru", "utm.example.org"),
)

#: Nationality → (given names, surnames), comma-separated; the first 15 are the universities' countries.
PEOPLE = {
    "GB": (
        "Oliver, Amelia, Harry, Isla, George, Freya, Jack, Poppy",
        "Smith, Jones, Taylor, Brown, Wilson, Evans, Hughes, Walker",
    ),
    "US": (
        "Liam, Olivia, Noah, Emma, Ethan, Ava, Mason, Sophia",
        "Johnson, Miller, Davis, Garcia, Martinez, Anderson, Thomas, Moore",
    ),
    "DE": (
        "Lukas, Hannah, Leon, Mia, Felix, Lena, Jonas, Emilia",
        "Müller, Schmidt, Schneider, Fischer, Weber, Wagner, Becker, Hoffmann",
    ),
    "FR": (
        "Louis, Chloé, Hugo, Léa, Arthur, Manon, Jules, Camille",
        "Martin, Bernard, Dubois, Thomas, Robert, Petit, Durand, Leroy",
    ),
    "JP": (
        "Haruto, Yui, Sota, Hina, Ren, Sakura, Yuto, Aoi",
        "Sato, Suzuki, Takahashi, Tanaka, Watanabe, Ito, Yamamoto, Nakamura",
    ),
    "KR": ("Minjun, Seoyeon, Jiho, Jiwoo, Dohyun, Hayoon, Eunwoo, Sua", "Kim, Lee, Park, Choi, Jung, Kang, Cho, Yoon"),
    "SG": ("Wei Jie, Hui Min, Arjun, Nur Aisyah, Ryan, Shu Ting, Jia Hao, Priya", "Tan, Lim, Ng, Lee, Wong, Goh, Chua, Raj"),
    "AU": (
        "Charlotte, Jack, Matilda, William, Zoe, Lachlan, Ruby, Cooper",
        "Smith, Jones, Williams, Brown, Wilson, Taylor, Nguyen, Ryan",
    ),
    "CA": (
        "Liam, Emma, Noah, Olivia, Benjamin, Charlotte, Félix, Maëlle",
        "Tremblay, Roy, Gagnon, Smith, Campbell, MacDonald, Wong, Côté",
    ),
    "KE": (
        "Wanjiru, Kamau, Achieng, Otieno, Njeri, Kiprop, Akinyi, Mwangi",
        "Ochieng, Wambui, Kariuki, Mutua, Kiptoo, Njoroge, Omondi, Cheruiyot",
    ),
    "NG": (
        "Chinedu, Amina, Tunde, Ngozi, Emeka, Fatima, Seun, Adaeze",
        "Okafor, Adeyemi, Bello, Eze, Okoye, Ibrahim, Balogun, Nwosu",
    ),
    "BR": (
        "Miguel, Alice, Arthur, Sophia, Heitor, Helena, Davi, Valentina",
        "Silva, Santos, Oliveira, Souza, Lima, Pereira, Costa, Ferreira",
    ),
    "IN": ("Aarav, Ananya, Vihaan, Diya, Arjun, Saanvi, Rohan, Isha", "Sharma, Patel, Singh, Iyer, Reddy, Gupta, Nair, Mehta"),
    "TH": (
        "Somchai, Siriporn, Anan, Kanya, Niran, Malee, Prasert, Ploy",
        "Saetang, Wongsakul, Chaiyaporn, Srisuk, Boonmee, Kittisak, Rattana, Thongdee",
    ),
    "MY": (
        "Muhammad, Nurul, Ahmad, Siti, Hafiz, Aisyah, Kumar, Mei Ling",
        "Abdullah, Rahman, Ismail, Tan, Lim, Hassan, Subramaniam, Wong",
    ),
    "ES": (
        "Hugo, Lucía, Mateo, Sofía, Martín, Martina, Pablo, Paula",
        "García, Rodríguez, González, Fernández, López, Martínez, Sánchez, Pérez",
    ),
    "IT": (
        "Leonardo, Sofia, Francesco, Giulia, Alessandro, Aurora, Lorenzo, Ginevra",
        "Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci",
    ),
    "MX": (
        "Santiago, Valentina, Mateo, Regina, Sebastián, Ximena, Diego, Camila",
        "Hernández, García, Martínez, López, González, Ramírez, Flores, Cruz",
    ),
    "ID": (
        "Budi, Siti, Agus, Dewi, Rizky, Putri, Adi, Ayu",
        "Santoso, Wijaya, Susanto, Pratama, Hidayat, Saputra, Kusuma, Nugroho",
    ),
    "VN": ("Minh, Linh, Huy, Trang, Duc, Mai, Khanh, Thao", "Nguyen, Tran, Le, Pham, Hoang, Vu, Dang, Bui"),
    "PH": (
        "Jose, Maria, Juan, Angel, Mark, Princess, John, Kristine",
        "Santos, Reyes, Cruz, Bautista, Ocampo, Garcia, Mendoza, Aquino",
    ),
    "PK": (
        "Ali, Ayesha, Hamza, Fatima, Usman, Zainab, Bilal, Maryam",
        "Khan, Ahmed, Hussain, Malik, Qureshi, Butt, Chaudhry, Sheikh",
    ),
    "EG": (
        "Mohamed, Nour, Ahmed, Mariam, Omar, Salma, Youssef, Habiba",
        "Hassan, Mahmoud, Ibrahim, Mostafa, Abdelrahman, Saleh, Fathy, Gamal",
    ),
    "ZA": (
        "Thabo, Lerato, Sipho, Naledi, Johan, Anika, Kagiso, Zanele",
        "Nkosi, Dlamini, Botha, van der Merwe, Mokoena, Khumalo, Naidoo, Pillay",
    ),
    "GH": ("Kwame, Ama, Kofi, Akosua, Yaw, Efua, Kojo, Abena", "Mensah, Owusu, Boateng, Asante, Osei, Agyeman, Addo, Darko"),
    "ET": (
        "Abebe, Meron, Dawit, Hana, Yonas, Selam, Biruk, Tigist",
        "Tesfaye, Bekele, Alemu, Girma, Haile, Kebede, Tadesse, Wolde",
    ),
    "TR": ("Yusuf, Zeynep, Eymen, Elif, Mustafa, Defne, Emir, Asel", "Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Aydın, Öztürk"),
    "AE": (
        "Mohammed, Fatima, Rashid, Mariam, Khalid, Aisha, Saeed, Hessa",
        "Al Mansoori, Al Nuaimi, Al Shamsi, Al Mazrouei, Al Ketbi, Al Suwaidi",
    ),
    "AR": (
        "Bautista, Isabella, Felipe, Emma, Benicio, Catalina, Thiago, Mía",
        "González, Rodríguez, Gómez, Fernández, López, Díaz, Romero, Álvarez",
    ),
    "CL": (
        "Agustín, Sofía, Tomás, Florencia, Vicente, Josefa, Benjamín, Emilia",
        "Muñoz, Rojas, Díaz, Pérez, Soto, Contreras, Silva, Sepúlveda",
    ),
    "PL": (
        "Jakub, Zuzanna, Antoni, Julia, Jan, Maja, Szymon, Zofia",
        "Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński",
    ),
    "NL": (
        "Daan, Emma, Sem, Julia, Lucas, Mila, Finn, Tess",
        "de Jong, Jansen, de Vries, van den Berg, Bakker, Visser, Smit, Meijer",
    ),
    "SE": (
        "William, Alice, Hugo, Maja, Liam, Elsa, Noah, Astrid",
        "Andersson, Johansson, Karlsson, Nilsson, Eriksson, Larsson, Olsson, Persson",
    ),
    "NZ": (
        "Oliver, Isla, Jack, Charlotte, Nikau, Aroha, Leo, Mia",
        "Smith, Wilson, Williams, Brown, Taylor, Ngata, Walker, Tane",
    ),
    "UZ": (
        "Timur, Madina, Javohir, Sevara, Sardor, Nilufar, Bekzod, Dilnoza",
        "Karimov, Rakhimov, Tursunov, Yusupov, Nazarov, Aliev, Umarov, Ismoilov",
    ),
}

TEAM_WORDS = (
    ("Blue", "Bright", "Nova", "Open", "Green", "Silver", "Swift", "North", "Urban", "Deep", "Clear", "Next"),
    ("Harbor", "Compass", "Orbit", "Bridge", "Lantern", "Atlas", "Signal", "Canvas", "Summit", "Tide", "Forge", "Roots"),
)
PROJECT_TEMPLATES = (
    "{thing} marketplace for {who}",
    "Cross-border {thing} for {who}",
    "AI-assisted {thing} for {who}",
    "{thing} subscription for {who}",
    "Low-carbon {thing} for {who}",
)
PROJECT_THINGS = (
    "tea export",
    "handicraft",
    "cold-chain logistics",
    "micro-insurance",
    "second-hand fashion",
    "solar kiosk",
    "livestream retail",
    "language tutoring",
    "farm-to-table",
    "halal food",
    "e-bike rental",
    "digital payments",
)
PROJECT_WHO = (
    "small farmers",
    "street vendors",
    "rural clinics",
    "students abroad",
    "island shops",
    "artisans",
    "SMEs in Africa",
    "Southeast Asian sellers",
    "elderly shoppers",
    "Gen Z travellers",
)
MAJORS_EN = ("Business", "Economics", "Marketing", "Computer Science", "Finance", "International Trade", "Design", "Data Science")

#: Hangzhou's districts with their administrative division codes, for companies' credit codes and addresses.
HANGZHOU_DISTRICTS = (
    ("330106", "西湖区"),
    ("330108", "滨江区"),
    ("330110", "余杭区"),
    ("330105", "拱墅区"),
    ("330109", "萧山区"),
    ("330102", "上城区"),
)
STREETS = ("文一西路", "江南大道", "网商路", "莫干山路", "学院路", "钱江路", "之江路", "滨盛路")
COMPANY_STEMS = ("云帆", "数链", "海川", "星河", "易达", "青禾", "智汇", "远航", "鲸跃", "橙光", "新禾", "知行")
COMPANY_TRADES = (
    ("供应链管理", "跨境冷链一站式平台"),
    ("网络科技", "跨境电商独立站 SaaS"),
    ("数字科技", "AI 多语种客服系统"),
    ("物流", "海外仓智能分拣"),
    ("品牌管理", "国货品牌出海孵化"),
    ("信息技术", "跨境支付合规中台"),
    ("电子商务", "直播电商海外供应链"),
    ("智能装备", "跨境小件自动化打包"),
)
#: Companies abroad that apply to the pilot zone (no Chinese credit code): (name, country, city, project).
FOREIGN_COMPANIES = (
    ("Lion City Logistics Pte. Ltd.", "SG", "Singapore", "东南亚海外仓联运"),
    ("Rheinland Commerce GmbH", "DE", "Cologne", "欧洲跨境退货中心"),
    ("Sahara Payments Ltd", "KE", "Nairobi", "非洲移动支付接入"),
)
