"""Demo learning material in Hungarian: logging in (Ügyfélkapu+, DÁP), the online personal
income tax return (eSZJA), the EESZT citizens' portal, Cégkapu for businesses and the online
filings of nonprofits. Short and general on purpose: details (deadlines, screens) change, so
each lesson points to the official site for the current rules.

``seed_learning_material`` is idempotent: modules and lessons are looked up by slug and
created only when missing, so staff edits made in the admin survive a second run.
"""

from django.db import transaction

from .models import Choice, LearningModule, Lesson, Question

MATERIAL = [
    {
        "slug": "belepes",
        "title": "Belépés az e-ügyintézéshez: Ügyfélkapu+ és DÁP",
        "summary": "Hogyan azonosítja magát az állami e-ügyintézési oldalakon, és hogyan teszi ezt biztonságosan.",
        "lessons": [
            {
                "slug": "ugyfelkapu-plusz-es-dap",
                "title": "Mi az Ügyfélkapu+ és a DÁP?",
                "minutes": 6,
                "body": """Az elektronikus ügyintézéshez (e-ügyintézés) először **azonosítania kell magát**: a rendszernek tudnia kell, hogy valóban Ön az.

Az állami e-ügyintézési oldalak (például a magyarorszag.hu, a NAV eSZJA oldala vagy az EESZT lakossági portálja) ugyanazt a belépési felületet használják: a **Központi Azonosítási Ügynököt (KAÜ)**. Itt választja ki, milyen módon azonosítja magát.

## A két leggyakoribb mód

- **Ügyfélkapu+** – felhasználónév és jelszó, *és* egy második lépés: egy egyszer használatos, rövid ideig érvényes kód, amelyet például a telefonjára telepített hitelesítő alkalmazás állít elő. Ez a *kétlépcsős azonosítás*: aki megtudja a jelszavát, a kód nélkül akkor sem tud belépni.
- **DÁP mobilalkalmazás** (Digitális Állampolgárság Program) – a telefonra telepített *Digitális Állampolgárság* alkalmazással azonosítja magát, például úgy, hogy a számítógép képernyőjén megjelenő QR-kódot beolvassa a telefonnal.

![Belépés két lépésben: 1. felhasználónév és jelszó, 2. egyszer használatos kód a telefonról, utána belépve](static:trainings/img/belepes-ket-lepesben.svg)

Mindkét mód ingyenes. Ha elakad a regisztrációval, segítséget kérhet a **kormányablakban**, vagy kérdezze a könyvtár e-tanácsadóját.
""",
                "questions": [
                    ("Mi az Ügyfélkapu+ második lépése a jelszó után?",
                     "Az Ügyfélkapu+ kétlépcsős: a jelszó mellé egy rövid ideig érvényes kód is kell, így a jelszó egyedül nem elég a belépéshez.",
                     [("Egy egyszer használatos kód, például egy hitelesítő alkalmazásból", True),
                      ("A születési dátum megadása", False),
                      ("Nincs második lépés, a jelszó elég", False)]),
                    ("Hogyan léphet be a DÁP mobilalkalmazással egy számítógépen megnyitott oldalra?",
                     "A belépési felületen megjelenő QR-kódot a telefonon futó Digitális Állampolgárság alkalmazással kell beolvasni.",
                     [("Telefonszámomat írom be jelszó helyett", False),
                      ("A képernyőn megjelenő QR-kódot beolvasom a telefonnal", True),
                      ("Felhívom az ügyfélszolgálatot, és ők léptetnek be", False)]),
                ],
            },
            {
                "slug": "biztonsagos-belepes",
                "title": "Biztonságosan az interneten",
                "minutes": 5,
                "body": """Az ügyfélkapus belépés olyan, mint a lakáskulcs: aki megszerzi, az Ön nevében intézhet ügyeket. Néhány egyszerű szokással megvédheti.

## Öt jó szokás

1. **A jelszót és a kódot senkinek ne adja meg** – sem telefonon, sem e-mailben, sem üzenetben. Hivatal és bank soha nem kéri el.
2. **Gyanús e-mail vagy SMS linkjére ne kattintson.** Ha hivatalos ügyről szól, a címet inkább maga írja be a böngészőbe (például *magyarorszag.hu*, *nav.gov.hu*).
3. **Nézze meg a böngésző címsorát**: valóban a hivatalos oldalon van-e.
4. **Közös (például könyvtári) gépen** a végén mindig jelentkezzen ki, és zárja be a böngészőt. A jelszót ne mentse el.
5. **Ha gyanús, kérdezzen**: a könyvtár e-tanácsadója vagy a kormányablak segít.
""",
                "questions": [
                    ("E-mailt kap, amely azt kéri, hogy adja meg az Ügyfélkapu+ kódját, különben letiltják a fiókját. Mit tesz?",
                     "Hivatal soha nem kér jelszót vagy kódot e-mailben: az ilyen levél csalás (adathalászat).",
                     [("Megadom, hogy ne tiltsák le a fiókomat", False),
                      ("Nem adom meg, mert hivatal soha nem kér kódot e-mailben", True),
                      ("Továbbítom a családomnak, hogy ők adják meg", False)]),
                    ("Könyvtári számítógépen intézte az ügyét. Mi a teendő a végén?",
                     "Közös gépen mindig ki kell jelentkezni és be kell zárni a böngészőt, különben a következő felhasználó az Ön nevében folytathatja.",
                     [("Kijelentkezem és bezárom a böngészőt", True),
                      ("Csak bezárom az oldalt, az elég", False),
                      ("Elmentem a jelszót, hogy legközelebb gyorsabb legyen", False)]),
                ],
            },
        ],
    },
    {
        "slug": "szja-online",
        "title": "Személyijövedelemadó-bevallás online",
        "summary": "Az adóbevallási tervezet megtekintése, kiegészítése és beküldése a NAV eSZJA oldalán.",
        "lessons": [
            {
                "slug": "eszja-tervezet",
                "title": "Az adóbevallási tervezet az eSZJA oldalon",
                "minutes": 7,
                "body": """A NAV minden évben elkészíti a magánszemélyek **személyijövedelemadó-bevallási tervezetét** abból, amit a munkáltatók és más kifizetők jelentettek. A tervezetet a NAV **eSZJA** oldalán nézheti meg, Ügyfélkapu+ vagy DÁP belépéssel.

## Lépésről lépésre

1. Nyissa meg a NAV eSZJA oldalát (*eszja.nav.gov.hu*), és lépjen be.
2. Nézze át a tervezetet: szerepel-e minden jövedelme, és jók-e az adatok.
3. Ha kell, javítsa vagy egészítse ki (például egy kedvezménnyel, amelyről a NAV nem tudhatott), majd küldje be.
4. Ugyanitt rendelkezhet a befizetett adója **1+1%-áról** is.

![Az eSZJA négy lépése: belépés, átnézés, javítás vagy kiegészítés, beküldés](static:trainings/img/eszja-lepesek.svg)

## Jó tudni

- Ha Ön **nem egyéni vállalkozó**, és nem tesz semmit, a tervezet **május 20-án magától bevallássá válik**. Ha hibát talál benne, javítsa ki és küldje be a határidőig.
- Egyéni vállalkozóknál a tervezet nem válik magától bevallássá: nekik maguknak kell kiegészíteniük és beküldeniük.
- A pontos, aktuális szabályokat mindig a NAV oldalán nézze meg.
""",
                "questions": [
                    ("Mi történik a tervezettel, ha egy munkavállaló (nem egyéni vállalkozó) nem tesz vele semmit?",
                     "A nem egyéni vállalkozó magánszemélyek tervezete május 20-án magától bevallássá válik; ha hibás, javítani kell.",
                     [("Május 20-án magától bevallássá válik", True),
                      ("Érvényét veszti, és bírságot kap", False),
                      ("A NAV postán küld helyette egy újat", False)]),
                    ("Hol nézheti meg az adóbevallási tervezetét?",
                     "A tervezet a NAV eSZJA oldalán érhető el, Ügyfélkapu+ vagy DÁP belépés után.",
                     [("Egy közösségi oldalon, a nevemre keresve", False),
                      ("A NAV eSZJA oldalán, belépés után", True),
                      ("Csak a munkáltatómnál, papíron", False)]),
                ],
            },
        ],
    },
    {
        "slug": "eeszt",
        "title": "Egészségügy online: az EESZT lakossági portál",
        "summary": "E-receptek, beutalók, leletek és az önrendelkezés az Elektronikus Egészségügyi Szolgáltatási Térben.",
        "lessons": [
            {
                "slug": "eeszt-lakossagi-portal",
                "title": "Mit talál az EESZT lakossági portálján?",
                "minutes": 6,
                "body": """Az **Elektronikus Egészségügyi Szolgáltatási Tér (EESZT)** összeköti a kórházakat, rendelőket, háziorvosokat és gyógyszertárakat. A **lakossági portálon** (*eeszt.gov.hu*) – Ügyfélkapu+ vagy DÁP belépés után – a saját adatait látja:

- felírt **e-receptjeit**, és hogy melyiket váltották már ki;
- **beutalóit**;
- **leleteit és zárójelentéseit**, amelyeket az ellátóhelyek feltöltöttek.

## Önrendelkezés

A portálon beállíthatja, hogy **ki láthassa** az egészségügyi adatait, és például azt is, hogy egy családtagja kiválthassa Ön helyett a gyógyszereit.

## Az e-recept kiváltása

A gyógyszertárban általában a **TAJ-kártyáját és a személyazonosító igazolványát** kell bemutatnia; papírrecept nem kell.

Telefonon az EESZT **EgészségAblak** alkalmazása is elérhető.
""",
                "questions": [
                    ("Mit láthat a saját EESZT lakossági portálján?",
                     "A portálon a saját e-receptjeit, beutalóit, leleteit és zárójelentéseit látja.",
                     [("A szomszédaim leleteit", False),
                      ("Csak a kórházak nyitvatartását", False),
                      ("Saját e-receptjeimet, beutalóimat és leleteimet", True)]),
                    ("Mi kell általában az e-recept kiváltásához a gyógyszertárban?",
                     "Az e-receptet a TAJ-szám és a személyazonosság igazolása alapján adják ki; papírrecept nem kell.",
                     [("TAJ-kártya és személyazonosító igazolvány", True),
                      ("Kinyomtatott, lepecsételt recept az orvostól", False),
                      ("Az Ügyfélkapu+ jelszavam", False)]),
                ],
            },
        ],
    },
    {
        "slug": "cegkapu",
        "title": "Vállalkozások: a Cégkapu",
        "summary": "A gazdálkodó szervezetek hivatalos elektronikus tárhelye: regisztráció, tagok, rendszeres ellenőrzés.",
        "lessons": [
            {
                "slug": "cegkapu-alapok",
                "title": "Cégkapu: a cég hivatalos elektronikus postafiókja",
                "minutes": 6,
                "body": """A gazdálkodó szervezetek (például a kft.-k, bt.-k, zrt.-k) **elektronikusan tartanak kapcsolatot** az állami szervekkel. Hivatalos tárhelyük a **Cégkapu**: ide érkeznek például a NAV hivatalos levelei, és innen küldhetnek iratokat a cég nevében.

## Hogyan működik?

- A Cégkaput a cég **törvényes képviselője** (például az ügyvezető) regisztrálja a *cegkapu.gov.hu* oldalon, a saját Ügyfélkapu+ vagy DÁP azonosításával.
- A képviselő **tagokat** vehet fel (például a könyvelőt vagy egy munkatársat), és beállíthatja, ki mit intézhet.
- **Nézzék meg rendszeresen a tárhelyet!** A hivatalos irat akkor is kézbesítettnek számíthat, ha senki nem nyitja meg – így határidők telhetnek el észrevétlenül.

Az **egyéni vállalkozók** nem Cégkaput használnak, hanem a saját, ügyfélkapus tárhelyüket.
""",
                "questions": [
                    ("Ki regisztrálja a cég Cégkapuját?",
                     "A regisztrációt a cég törvényes képviselője végzi a saját elektronikus azonosításával; utána tagokat vehet fel.",
                     [("Bármelyik ügyfele", False),
                      ("A cég törvényes képviselője, például az ügyvezető", True),
                      ("Senki, magától jön létre, és nincs vele teendő", False)]),
                    ("Miért kell rendszeresen megnézni a Cégkapu tárhelyet?",
                     "A hivatalos levél akkor is kézbesítettnek számíthat, ha nem nyitják meg, és a határidők ettől kezdve telnek.",
                     [("Mert a hivatalos levél akkor is kézbesítettnek számíthat, ha nem nyitják meg", True),
                      ("Mert a tárhely havonta díjat számol fel", False),
                      ("Nem kell, a fontos levelek postán is megjönnek", False)]),
                ],
            },
        ],
    },
    {
        "slug": "civil-szervezetek",
        "title": "Civil szervezetek online ügyintézése",
        "summary": "Az egyesületek és alapítványok beszámolója és nyilvános adatai a birosag.hu oldalon.",
        "lessons": [
            {
                "slug": "civil-beszamolo",
                "title": "Beszámoló és nyilvántartás a birosag.hu-n",
                "minutes": 6,
                "body": """Az egyesületek és alapítványok (**civil szervezetek**) adatait a bíróság tartja nyilván. A nyilvántartás és a letétbe helyezett beszámolók **nyilvánosak**: a *birosag.hu* oldal civil szervezetekről szóló részén bárki megnézheti őket.

## Az éves beszámoló

- A civil szervezet minden évben elkészíti a **beszámolóját** (a közhasznú szervezet a közhasznúsági melléklettel együtt), és **elektronikusan letétbe helyezi**.
- Ha az üzleti év a naptári év, a határidő a következő év **május 31.**
- A beküldéshez elektronikus azonosítás (például Ügyfélkapu+ vagy DÁP) kell; az űrlapot és a kitöltési útmutatót a *birosag.hu* oldalon találja.

## Változások

Ha megváltozik például a székhely vagy a képviselő, a változás bejegyzését a nyilvántartó **törvényszéktől** kell kérni.

**Tipp:** a letétbe helyezés után keressék meg a szervezetet a nyilvántartásban, és nézzék meg, megjelent-e a beszámoló.
""",
                "questions": [
                    ("Meddig kell letétbe helyezni egy civil szervezet előző évi beszámolóját, ha az üzleti éve a naptári év?",
                     "A beszámolót a következő év május 31-ig kell elektronikusan letétbe helyezni.",
                     [("December 31-ig", False),
                      ("Május 31-ig", True),
                      ("Nem kell letétbe helyezni", False)]),
                    ("Hol nézhető meg egy egyesület letétbe helyezett beszámolója?",
                     "A civil szervezetek nyilvántartása és beszámolói nyilvánosak a birosag.hu oldalon.",
                     [("Csak az egyesület elnökénél, személyesen", False),
                      ("Sehol, a beszámolók titkosak", False),
                      ("A birosag.hu oldalon, a civil szervezetek nyilvántartásában", True)]),
                ],
            },
        ],
    },
]


@transaction.atomic
def seed_learning_material(programme) -> dict:
    """Create the demo material for ``programme`` where missing; returns what was created."""
    created = {"modules": 0, "lessons": 0, "questions": 0}
    for m_pos, module_data in enumerate(MATERIAL):
        module, made = LearningModule.objects.get_or_create(
            programme=programme, slug=module_data["slug"],
            defaults={"title": module_data["title"], "summary": module_data["summary"], "position": m_pos},
        )
        created["modules"] += made
        for l_pos, lesson_data in enumerate(module_data["lessons"]):
            lesson, made = Lesson.objects.get_or_create(
                module=module, slug=lesson_data["slug"],
                defaults={"title": lesson_data["title"], "body": lesson_data["body"], "position": l_pos,
                          "minutes": lesson_data["minutes"]},
            )
            created["lessons"] += made
            if not made:
                continue  # an existing lesson keeps its questions as staff left them
            for q_pos, (text, explanation, choices) in enumerate(lesson_data["questions"]):
                question = Question.objects.create(lesson=lesson, text=text, explanation=explanation, position=q_pos)
                Choice.objects.bulk_create(
                    [Choice(question=question, text=c, is_correct=ok, position=i) for i, (c, ok) in enumerate(choices)]
                )
                created["questions"] += 1
    return created
