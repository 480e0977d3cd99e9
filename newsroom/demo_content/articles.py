"""The demo newsroom as data: sections, snippets and articles written to show the platform.

Every person, outlet, company, association, festival and figure below is invented; places are
real. Nothing here reports a real event or quotes a real person.
"""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class SectionSpec:
    slug: str
    title: str
    intro: str


@dataclass(frozen=True)
class AuthorSpec:
    slug: str
    name: str
    role: str
    bio: str


@dataclass(frozen=True)
class SourceSpec:
    name: str
    description: str
    url: str
    language: str
    licence: str
    licence_terms: str


@dataclass(frozen=True)
class TopicSpec:
    slug: str
    name: str
    iptc_qcode: str = ""


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Quote:
    text: str
    speaker: str


@dataclass(frozen=True)
class ReadAlso:
    """A link to another demo article, which must come earlier in DEMO_ARTICLES."""

    slug: str


@dataclass(frozen=True)
class DemoArticle:
    slug: str
    section: str
    title: str
    standfirst: str
    body: tuple[Paragraph | Heading | Quote | ReadAlso, ...]
    hours_ago: int
    """Published this long before the demo is loaded; the dateline date follows it."""
    kicker: str = ""
    places: tuple[str, ...] = ()
    dateline_date: datetime.date | None = None
    """Only for an article whose dateline is not the day it is published."""
    authors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    source: str = ""
    source_author: str = ""
    source_url: str = ""


SECTIONS = (
    SectionSpec(
        "proche-orient",
        "Proche-Orient",
        "Liban, Syrie, Jordanie, Israël et territoires palestiniens : l’actualité du Levant.",
    ),
    SectionSpec(
        "moyen-orient",
        "Moyen-Orient",
        "Irak, Iran, Turquie et Yémen : politique, économie et société au Moyen-Orient.",
    ),
    SectionSpec(
        "maghreb",
        "Maghreb",
        "Maroc, Algérie, Tunisie, Libye et Mauritanie : l’actualité de l’Afrique du Nord.",
    ),
    SectionSpec(
        "golfe",
        "Golfe",
        "Arabie saoudite, Émirats, Qatar, Koweït, Bahreïn et Oman : les pays du Golfe.",
    ),
    SectionSpec(
        "international",
        "International",
        "La région vue du monde : diplomatie, marchés et grandes tendances internationales.",
    ),
)

AUTHORS = (
    AuthorSpec(
        "salma-idrissi-haddad",
        "Salma Idrissi-Haddad",
        "Rédactrice en chef adjointe (démo)",
        "Personnage fictif de la rédaction de démonstration.",
    ),
    AuthorSpec(
        "karim-bensalem",
        "Karim Bensalem",
        "Correspondant Maghreb (démo)",
        "Personnage fictif de la rédaction de démonstration.",
    ),
    AuthorSpec(
        "lea-fontanel",
        "Léa Fontanel",
        "Journaliste, service International (démo)",
        "Personnage fictif de la rédaction de démonstration.",
    ),
    AuthorSpec(
        "omar-tahiri",
        "Omar Tahiri",
        "Journaliste, Golfe et Moyen-Orient (démo)",
        "Personnage fictif de la rédaction de démonstration.",
    ),
)

FARO = "Il Faro di Levante"
DEUX_RIVES = "Le Courrier des Deux Rives"
MASCATE = "La Lettre de Mascate"

SOURCES = (
    SourceSpec(
        FARO,
        "quotidien italien",
        "https://ilfarodilevante.example.org/",
        "it",
        "full",
        "Reproduction intégrale, accord de partenariat (démo)",
    ),
    SourceSpec(
        DEUX_RIVES,
        "hebdomadaire tunisien",
        "https://deux-rives.example.org/",
        "fr",
        "excerpt",
        "Extraits avec lien vers l’original (démo)",
    ),
    SourceSpec(
        MASCATE,
        "lettre économique omanaise",
        "https://lettre-de-mascate.example.org/",
        "fr",
        "full",
        "Reproduction intégrale, accord de partenariat (démo)",
    ),
)

TOPICS = (
    TopicSpec("energie", "Énergie", "medtop:20000431"),
    TopicSpec("diplomatie", "Diplomatie", "medtop:20000639"),
    TopicSpec("economie", "Économie", "medtop:20000344"),
    # No single Media Topic covers both water and climate: editors may pick one later.
    TopicSpec("eau-et-climat", "Eau et climat"),
    TopicSpec("culture", "Culture", "medtop:20000038"),
    TopicSpec("securite", "Sécurité", "medtop:20000604"),
)

SEED_LIKE_ARTICLE_SLUG = "demo-structure-page-type"

# Ordered so that a ReadAlso always points to an article listed before it.
DEMO_ARTICLES = (
    # --- Maghreb ------------------------------------------------------------------------
    DemoArticle(
        slug="demo-cap-bon-dessalement-solaire",
        section="maghreb",
        kicker="Eau",
        title="Au Cap Bon, une station de dessalement solaire entre en service",
        standfirst=(
            "L’Agence régionale de l’eau du Cap Bon met en route une unité alimentée par des "
            "panneaux solaires. Elle doit couvrir, l’été, les besoins de trois communes côtières."
        ),
        places=("Nabeul",),
        hours_ago=20,
        authors=("karim-bensalem",),
        topics=("eau-et-climat", "energie"),
        countries=("TN",),
        source=DEUX_RIVES,
        source_author="Hédi Mansouri",
        source_url="https://deux-rives.example.org/2024/cap-bon-dessalement",
        body=(
            Paragraph(
                "La nouvelle station, installée à l’écart des plages, produit de l’eau potable à "
                "partir de l’eau de mer en journée et stocke sa production dans deux réservoirs "
                "surélevés. Selon l’agence, elle pourra fournir jusqu’à 4 000 mètres cubes par "
                "jour au plus fort de la saison touristique."
            ),
            Paragraph(
                "Le choix de l’énergie solaire répond à une contrainte simple : l’électricité "
                "représente l’essentiel du coût d’un mètre cube dessalé. En produisant sa propre "
                "énergie, l’unité espère stabiliser le prix de l’eau pour les communes raccordées."
            ),
            Quote(
                "Nous ne remplaçons pas les nappes, nous les soulageons pendant les mois où "
                "elles sont le plus sollicitées",
                "Amel Trabelsi, ingénieure à l’Agence régionale de l’eau du Cap Bon",
            ),
            Heading("Le rejet de saumure sous surveillance"),
            Paragraph(
                "Des associations de pêcheurs ont demandé un suivi régulier du rejet de saumure "
                "en mer. L’agence s’est engagée à publier chaque trimestre les mesures de "
                "salinité relevées autour de l’émissaire."
            ),
        ),
    ),
    DemoArticle(
        slug="demo-festival-rencontres-sonores-du-sud",
        section="maghreb",
        kicker="Culture",
        title="Les Rencontres sonores du Sud font dialoguer musiques gnaoua et électroniques",
        standfirst=(
            "Pour sa cinquième édition, le festival installe ses scènes dans trois palmeraies "
            "et mise sur des créations communes entre maîtres de musique et jeunes producteurs."
        ),
        places=("Ouarzazate",),
        hours_ago=70,
        authors=("salma-idrissi-haddad",),
        topics=("culture",),
        countries=("MA",),
        body=(
            Paragraph(
                "Pendant quatre soirs, une vingtaine de formations se succèdent sur des scènes "
                "montées à même le sable. Les organisateurs ont réduit la jauge pour préserver "
                "les jardins des palmeraies, qui accueillent chaque soir un millier de "
                "spectateurs."
            ),
            Paragraph(
                "Le cœur du programme tient dans six résidences de création : pendant une "
                "semaine, un musicien de tradition et un producteur travaillent ensemble avant "
                "de présenter leur morceau au public."
            ),
            Quote(
                "Le festival est né d’une question : que se passe-t-il quand on fait entrer une "
                "boîte à rythmes dans une lila ?",
                "Yasmine Alaoui-Berrada, directrice artistique des Rencontres sonores du Sud",
            ),
            Paragraph(
                "Les enregistrements des résidences seront mis en ligne gratuitement à l’issue "
                "du festival, avec les partitions et les notes des musiciens."
            ),
        ),
    ),
    DemoArticle(
        slug="demo-soummam-huile-d-olive",
        section="maghreb",
        title="Dans la vallée de la Soummam, les oléiculteurs se regroupent pour exporter",
        standfirst=(
            "Un groupement d’une soixantaine de producteurs veut faire certifier son huile "
            "d’olive et vendre directement à l’étranger plutôt qu’en vrac."
        ),
        places=("Béjaïa",),
        hours_ago=118,
        authors=("karim-bensalem",),
        topics=("economie",),
        countries=("DZ",),
        body=(
            Paragraph(
                "Le Groupement des oléiculteurs de Tazrout, créé l’an dernier, a financé un "
                "moulin commun et un laboratoire d’analyse. Ses membres s’engagent à récolter "
                "plus tôt et à presser les olives dans les quarante-huit heures."
            ),
            Paragraph(
                "L’objectif est de vendre des bouteilles étiquetées plutôt que des citernes, "
                "pour capter une part plus grande du prix final. Une première commande d’un "
                "importateur de Lyon est en cours de négociation."
            ),
            Quote(
                "Nous vendions au poids sans jamais savoir où finissait notre huile. Désormais, "
                "chaque bouteille porte le nom du village",
                "Djamel Ait-Kaci, président du Groupement des oléiculteurs de Tazrout",
            ),
            Paragraph(
                "Le groupement reconnaît que la sécheresse reste le premier risque : deux "
                "récoltes médiocres d’affilée suffiraient à compromettre ses engagements."
            ),
        ),
    ),
    DemoArticle(
        slug="demo-libye-deminage-terres-sures",
        section="maghreb",
        kicker="Reportage",
        title="En Libye, une ONG forme des démineuses pour rendre les champs aux agriculteurs",
        standfirst=(
            "L’association Terres sûres a formé sa première équipe de démineuses, chargées de "
            "dépolluer des parcelles agricoles abandonnées depuis plusieurs années."
        ),
        places=("Tripoli",),
        hours_ago=190,
        authors=("salma-idrissi-haddad",),
        topics=("securite",),
        countries=("LY",),
        body=(
            Paragraph(
                "Les douze stagiaires ont suivi dix semaines de formation théorique et pratique "
                "avant d’être déployées sur leurs premiers terrains, à la périphérie d’une ville "
                "de l’ouest du pays."
            ),
            Heading("Des parcelles rendues une à une"),
            Paragraph(
                "Chaque parcelle est d’abord cartographiée avec les habitants, puis sondée "
                "mètre par mètre. Une fois le terrain déclaré sûr, un certificat est remis à "
                "l’exploitant, qui peut reprendre ses cultures."
            ),
            Quote(
                "Les familles connaissent chaque mur et chaque puits : ce savoir nous fait "
                "gagner des semaines",
                "Nour Benhalim, cheffe d’équipe de l’association Terres sûres",
            ),
            Paragraph(
                "L’association espère former deux nouvelles équipes l’an prochain si ses "
                "financements sont reconduits."
            ),
        ),
    ),
    # --- Proche-Orient ------------------------------------------------------------------
    DemoArticle(
        slug="demo-beyrouth-bibliotheque-des-trois-cedres",
        section="proche-orient",
        kicker="Culture",
        title="À Beyrouth, la bibliothèque des Trois Cèdres rouvre après deux ans de travaux",
        standfirst=(
            "La bibliothèque de quartier, gérée par une association de bénévoles, rouvre ses "
            "portes avec une salle d’étude ouverte le soir et un fonds de livres jeunesse "
            "doublé."
        ),
        places=("Beyrouth",),
        hours_ago=9,
        authors=("salma-idrissi-haddad",),
        topics=("culture",),
        countries=("LB",),
        body=(
            Paragraph(
                "Installée au rez-de-chaussée d’un immeuble des années 1950, la bibliothèque "
                "avait fermé pour des travaux d’étanchéité et d’électricité. Les bénévoles ont "
                "profité du chantier pour installer des panneaux solaires qui alimentent "
                "l’éclairage de la salle d’étude."
            ),
            Quote(
                "Beaucoup d’étudiants n’ont pas d’électricité stable chez eux le soir. Ici, ils "
                "trouvent de la lumière, du calme et une connexion",
                "Rima Saadé, présidente de l’association des Trois Cèdres",
            ),
            Paragraph(
                "Le fonds compte désormais près de 9 000 ouvrages en arabe, en français et en "
                "anglais. Des lectures pour enfants sont prévues chaque samedi matin."
            ),
        ),
    ),
    DemoArticle(
        slug="demo-jordanie-cooperative-goutte-a-goutte",
        section="proche-orient",
        title="Dans la vallée du Jourdain, une coopérative passe au goutte-à-goutte connecté",
        standfirst=(
            "Une coopérative de maraîchers a équipé ses parcelles de sondes d’humidité reliées "
            "aux téléphones des exploitants. Elle dit avoir réduit sa consommation d’eau d’un "
            "quart en une saison."
        ),
        places=("Deir Alla",),
        hours_ago=44,
        authors=("omar-tahiri",),
        topics=("eau-et-climat", "economie"),
        countries=("JO",),
        body=(
            Paragraph(
                "La coopérative des vergers de Wadi Sahra regroupe quarante exploitations de "
                "taille modeste. Chaque parcelle reçoit désormais un message lorsqu’un arrosage "
                "est nécessaire, plutôt que d’irriguer à heure fixe."
            ),
            Paragraph(
                "Le matériel a été acheté grâce à un prêt collectif remboursable sur cinq ans. "
                "Les membres partagent aussi un technicien chargé de l’entretien des capteurs."
            ),
            ReadAlso("demo-cap-bon-dessalement-solaire"),
            Quote(
                "Nous avons appris que la plante a souvent moins soif que nous le pensions",
                "Hala Mousa, trésorière de la coopérative des vergers de Wadi Sahra",
            ),
            Paragraph(
                "La coopérative prévoit de publier ses relevés pour permettre à d’autres "
                "groupements de la vallée de comparer leurs pratiques."
            ),
        ),
    ),
    DemoArticle(
        slug="demo-festival-ecrans-nomades",
        section="proche-orient",
        title="Le festival Écrans nomades emmène le court-métrage dans les villages",
        standfirst=(
            "Un camion équipé d’un écran gonflable sillonne le Liban et la Jordanie pour "
            "projeter gratuitement une sélection de courts-métrages de la région."
        ),
        places=("Zahlé", "Irbid"),
        hours_ago=140,
        authors=("lea-fontanel",),
        topics=("culture",),
        countries=("LB", "JO"),
        body=(
            Paragraph(
                "La tournée compte vingt-deux étapes, souvent dans des localités sans salle de "
                "cinéma. Chaque séance est suivie d’une discussion avec un membre de l’équipe "
                "d’un des films."
            ),
            Paragraph(
                "La sélection, d’une heure et demie, réunit fictions, documentaires et films "
                "d’animation réalisés par de jeunes cinéastes."
            ),
            Quote(
                "Le public des villages est le plus exigeant : il reste jusqu’au bout et pose "
                "les questions que personne n’ose poser en festival",
                "Tarek Haddadine, fondateur du festival Écrans nomades",
            ),
        ),
    ),
    # --- Moyen-Orient -------------------------------------------------------------------
    DemoArticle(
        slug="demo-marais-bateliers-ecotourisme",
        section="moyen-orient",
        kicker="Reportage",
        title="Dans les marais du sud irakien, des bateliers misent sur l’écotourisme",
        standfirst=(
            "Une coopérative de bateliers propose des sorties d’observation des oiseaux et "
            "des nuits chez l’habitant, pour tirer un revenu de la préservation des marais."
        ),
        places=("Nassiriya",),
        hours_ago=30,
        authors=("omar-tahiri",),
        topics=("eau-et-climat", "economie"),
        countries=("IQ",),
        body=(
            Paragraph(
                "Les sorties partent avant l’aube, à bord de barques traditionnelles. Les "
                "visiteurs dorment dans des maisons de roseaux tenues par des familles membres "
                "de la coopérative des bateliers du Chatt."
            ),
            Heading("L’eau, première inquiétude"),
            Paragraph(
                "Les bateliers reconnaissent que leur projet dépend du niveau de l’eau, qui "
                "varie fortement d’une année à l’autre. Lors des étés les plus secs, certains "
                "chenaux deviennent impraticables."
            ),
            Quote(
                "Si les marais disparaissent, notre métier disparaît avec eux. Faire venir des "
                "visiteurs, c’est aussi faire exister les marais",
                "Abbas Jaafar, batelier et cofondateur de la coopérative",
            ),
        ),
    ),
    DemoArticle(
        slug="demo-anatolie-solaire-agricole",
        section="moyen-orient",
        kicker="Énergie",
        title="En Anatolie, des agriculteurs couvrent leurs hangars de panneaux solaires",
        standfirst=(
            "Une jeune entreprise propose aux exploitations de louer leurs toitures en échange "
            "d’une électricité moins chère pour le pompage et la réfrigération."
        ),
        places=("Konya",),
        hours_ago=96,
        authors=("omar-tahiri",),
        topics=("energie", "economie"),
        countries=("TR",),
        body=(
            Paragraph(
                "L’entreprise Günışığı Tarım installe et entretient les panneaux. L’exploitant "
                "ne paie rien au départ et achète ensuite l’électricité produite à un tarif "
                "fixé pour dix ans."
            ),
            Paragraph(
                "Une centaine de toitures ont été équipées depuis le printemps, surtout des "
                "hangars de stockage et des étables."
            ),
            Quote(
                "Le pompage de l’eau coûte cher en été, précisément quand le soleil est le plus "
                "fort. Le calcul est vite fait",
                "Elif Arslan, cofondatrice de Günışığı Tarım",
            ),
            Paragraph(
                "L’entreprise cherche désormais à financer des batteries pour couvrir le "
                "pompage nocturne."
            ),
        ),
    ),
    DemoArticle(
        slug="demo-lac-de-van-oiseaux-migrateurs",
        section="moyen-orient",
        title="Autour du lac de Van, des bénévoles comptent les oiseaux migrateurs",
        standfirst=(
            "Un réseau d’observateurs bénévoles publie chaque semaine ses comptages, ouverts "
            "aux chercheurs comme aux écoles de la région."
        ),
        places=("Van",),
        hours_ago=210,
        authors=("lea-fontanel",),
        topics=("eau-et-climat",),
        countries=("TR", "IR"),
        body=(
            Paragraph(
                "Les observateurs se relaient sur une douzaine de points d’observation. Leurs "
                "relevés, saisis sur une application, sont mis en commun avec des réseaux "
                "similaires de part et d’autre de la frontière."
            ),
            Paragraph(
                "Les comptages servent à repérer les zones humides les plus fréquentées et à "
                "signaler les perturbations, comme un dépôt d’ordures ou un assèchement rapide."
            ),
            Quote(
                "Un oiseau ne connaît pas les frontières : pour le suivre, il faut travailler "
                "ensemble",
                "Serap Demir, coordinatrice du réseau des observateurs du lac",
            ),
        ),
    ),
    # --- Golfe --------------------------------------------------------------------------
    DemoArticle(
        slug="demo-oman-recifs-programme-recif-vivant",
        section="golfe",
        kicker="Environnement",
        title="À Oman, des plongeurs amateurs aident à surveiller les récifs coralliens",
        standfirst=(
            "Le programme Récif vivant forme des plongeurs de loisir à photographier les "
            "coraux selon un protocole commun, pour suivre leur blanchissement."
        ),
        places=("Mascate",),
        hours_ago=14,
        authors=("omar-tahiri",),
        topics=("eau-et-climat",),
        countries=("OM",),
        source=MASCATE,
        source_author="Samira Al-Harthy",
        source_url="https://lettre-de-mascate.example.org/recif-vivant",
        body=(
            Paragraph(
                "Chaque plongeur suit un parcours balisé et photographie les mêmes colonies "
                "de corail à chaque sortie. Les images sont ensuite classées par une équipe de "
                "biologistes bénévoles."
            ),
            Paragraph(
                "Le programme compte près de 300 participants, surtout des clubs de plongée et "
                "des étudiants. Il publie un bilan à la fin de chaque saison chaude."
            ),
            Quote(
                "Nous avions des scientifiques mais pas assez d’yeux sous l’eau. Les plongeurs "
                "amateurs nous en donnent des centaines",
                "Maryam Al-Balushi, coordinatrice du programme Récif vivant",
            ),
        ),
    ),
    DemoArticle(
        slug="demo-biennale-design-corniche",
        section="golfe",
        title="La Biennale du design de la Corniche expose le mobilier du quotidien",
        standfirst=(
            "Des créateurs de six pays présentent des objets pensés pour la chaleur : "
            "brise-soleil, jarres réfrigérantes, tissus respirants."
        ),
        places=("Doha",),
        hours_ago=60,
        authors=("lea-fontanel",),
        topics=("culture",),
        countries=("QA", "AE"),
        body=(
            Paragraph(
                "L’exposition, installée dans un ancien entrepôt portuaire, privilégie les "
                "objets que l’on peut toucher et essayer. Chaque pièce est accompagnée de sa "
                "fiche de fabrication."
            ),
            Quote(
                "Le design du Golfe a longtemps été associé au luxe. Nous voulions montrer "
                "l’ingéniosité des objets simples",
                "Noor Al-Mansoori, commissaire de la Biennale du design de la Corniche",
            ),
            Paragraph(
                "Une partie des pièces sera ensuite présentée dans des écoles d’art de la "
                "région, avec des ateliers animés par leurs créateurs."
            ),
        ),
    ),
    DemoArticle(
        slug="demo-consortium-sahil-hydrogene",
        section="golfe",
        kicker="Énergie",
        title="Le consortium Sahil H2 présente son projet d’hydrogène vert",
        standfirst=(
            "Un groupe d’entreprises veut produire de l’hydrogène à partir d’électricité "
            "solaire sur la côte, pour l’industrie locale puis l’exportation."
        ),
        places=("Dammam", "Abou Dhabi"),
        hours_ago=160,
        authors=("omar-tahiri",),
        topics=("energie", "economie"),
        countries=("SA", "AE"),
        body=(
            Paragraph(
                "Le consortium prévoit une première tranche modeste, destinée à alimenter une "
                "usine d’engrais voisine. L’exportation ne viendrait qu’après plusieurs années "
                "d’exploitation."
            ),
            Heading("Une question d’eau autant que d’énergie"),
            Paragraph(
                "Produire de l’hydrogène consomme de l’eau douce. Le projet prévoit une unité "
                "de dessalement dédiée, ce qui pèsera sur son coût final."
            ),
            ReadAlso("demo-cap-bon-dessalement-solaire"),
            Quote(
                "Nous préférons commencer petit et tenir nos chiffres que promettre des "
                "volumes que personne ne pourra vérifier",
                "Faisal Al-Qahtani, directeur des opérations du consortium Sahil H2",
            ),
        ),
    ),
    DemoArticle(
        slug="demo-bahrein-centre-sauvetage-en-mer",
        section="golfe",
        title="Un centre de formation au sauvetage en mer accueille ses premiers stagiaires",
        standfirst=(
            "Le centre forme des équipages de plaisance, de pêche et de ports de commerce "
            "aux gestes de sauvetage et à la lutte contre les incendies à bord."
        ),
        places=("Manama",),
        hours_ago=230,
        authors=("omar-tahiri",),
        topics=("securite",),
        countries=("BH",),
        body=(
            Paragraph(
                "Le centre dispose d’un bassin à vagues et d’une maquette de passerelle de "
                "navire. Les stages durent de deux jours à trois semaines selon les métiers."
            ),
            Quote(
                "La plupart des accidents en mer se jouent dans les cinq premières minutes. "
                "Nous entraînons les équipages à ces cinq minutes-là",
                "Hussain Al-Aali, directeur pédagogique du centre",
            ),
            Paragraph(
                "Les premiers stagiaires sont des pêcheurs artisanaux, pour qui la formation "
                "est gratuite cette année."
            ),
        ),
    ),
    # --- International ------------------------------------------------------------------
    DemoArticle(
        slug="demo-observatoire-energie-gaz-volatil",
        section="international",
        kicker="Analyse",
        title="Gaz : l’Observatoire euro-méditerranéen de l’énergie anticipe une année volatile",
        standfirst=(
            "Dans son rapport annuel, l’observatoire estime que les prix du gaz resteront "
            "sensibles à la météo et aux capacités de stockage des deux rives."
        ),
        places=("Bruxelles",),
        hours_ago=100,
        authors=("lea-fontanel",),
        topics=("energie", "economie"),
        countries=("DZ", "LY", "IT"),
        body=(
            Paragraph(
                "Le rapport distingue trois scénarios selon la rigueur de l’hiver et le niveau "
                "de remplissage des stockages au début de la saison froide."
            ),
            Paragraph(
                "Les auteurs notent que les pays producteurs de la rive sud cherchent à "
                "réserver une part croissante de leur production à la consommation intérieure, "
                "ce qui réduit les volumes disponibles pour l’exportation."
            ),
            Quote(
                "La volatilité n’est plus un accident, c’est devenu l’état normal du marché",
                "Paolo Ventresca, économiste en chef de l’Observatoire euro-méditerranéen de "
                "l’énergie",
            ),
        ),
    ),
    DemoArticle(
        slug="demo-marseille-rencontres-ports-mediterranee",
        section="international",
        title="À Marseille, les ports de la Méditerranée cherchent à réduire leurs émissions",
        standfirst=(
            "Les Rencontres des ports de la Méditerranée ont réuni des gestionnaires de ports "
            "des deux rives autour de l’électrification des quais."
        ),
        places=("Marseille",),
        hours_ago=75,
        authors=("lea-fontanel",),
        topics=("economie", "diplomatie"),
        countries=("FR", "MA", "TN"),
        body=(
            Paragraph(
                "Brancher les navires à quai permet d’éteindre leurs moteurs pendant l’escale. "
                "Les participants ont comparé les coûts et les délais de leurs chantiers."
            ),
            Paragraph(
                "Plusieurs ports de la rive sud ont plaidé pour des achats groupés "
                "d’équipements, afin de peser face aux fournisseurs."
            ),
            ReadAlso("demo-observatoire-energie-gaz-volatil"),
            Quote(
                "Un port seul ne fait pas le marché. Dix ports ensemble commencent à le faire",
                "Claire Venturini, secrétaire générale des Rencontres des ports de la Méditerranée",
            ),
        ),
    ),
    DemoArticle(
        slug="demo-rapport-bassins-partages",
        section="international",
        title="Un rapport plaide pour des accords d’échange de données sur les fleuves partagés",
        standfirst=(
            "L’Observatoire international des bassins partagés recommande aux États riverains "
            "de publier en commun leurs mesures de débit et de qualité de l’eau."
        ),
        places=("Genève",),
        hours_ago=180,
        authors=("lea-fontanel",),
        topics=("eau-et-climat", "diplomatie"),
        countries=("IQ", "TR", "SY"),
        body=(
            Paragraph(
                "Le rapport passe en revue une trentaine de bassins fluviaux et constate que "
                "les données restent souvent confidentielles, ce qui nourrit la méfiance entre "
                "voisins."
            ),
            Paragraph(
                "Il propose des plateformes communes gérées par des techniciens, à l’écart des "
                "négociations politiques sur le partage des volumes."
            ),
            Quote(
                "On ne négocie pas sereinement sur des chiffres que l’on ne partage pas",
                "Ingrid Solberg, autrice principale du rapport",
            ),
        ),
    ),
    DemoArticle(
        slug=SEED_LIKE_ARTICLE_SLUG,
        section="international",
        title=(
            "Le forum Thalassa réunit à Rome les opérateurs de l’eau de la Méditerranée. "
            "Ce que cela signifie pour le Maghreb"
        ),
        standfirst=(
            "Les opérateurs publics de l’eau de onze pays riverains se retrouvent aujourd’hui "
            "à Rome. Sur la table, le financement du dessalement, les pertes des réseaux et, "
            "bien sûr, la sécheresse. La crainte que les pays du Sud restent à l’écart des "
            "financements"
        ),
        places=("Rome", "Paris"),
        dateline_date=datetime.date(2022, 12, 19),
        hours_ago=5,
        authors=("lea-fontanel",),
        topics=("eau-et-climat", "diplomatie", "energie"),
        countries=("IT", "TN", "DZ", "MA"),
        source=FARO,
        source_author="Lorenzo Bellandi",
        source_url="https://ilfarodilevante.example.org/2022/12/19/forum-thalassa-roma",
        body=(
            Paragraph(
                "Le forum Thalassa, qui réunit chaque année les opérateurs publics de l’eau de "
                "la Méditerranée, s’est ouvert aujourd’hui à Rome et non à Marseille, où il se "
                "tenait jusqu’ici. Cette édition intervient alors que plusieurs pays de la rive "
                "sud sortent de leur troisième été consécutif de sécheresse, d’où les appels "
                "de leurs délégations à un fonds commun pour le dessalement, comme le rapporte "
                "Lorenzo Bellandi du quotidien italien «Il Faro di Levante»."
            ),
            Paragraph(
                "La présidence du forum a aussitôt tempéré ces attentes lors d’une conférence "
                "de presse, rappelant que l’organisation ne finance pas elle-même de projets "
                "et qu’elle ne peut que rapprocher opérateurs et bailleurs."
            ),
            Quote(
                "Le forum est un lieu d’échange, pas une banque. Personne ne force personne : "
                "chacun repart avec les partenariats qui correspondent le mieux aux besoins de "
                "sa population",
                "Giulia Marchetti, secrétaire générale du forum Thalassa",
            ),
            Paragraph(
                "Parmi les sujets sur la table figure également la réduction des fuites, qui "
                "font perdre à certains réseaux urbains près d’un tiers de l’eau produite, au "
                "moment même où le prix de l’énergie renchérit chaque mètre cube dessalé."
            ),
            ReadAlso("demo-cap-bon-dessalement-solaire"),
            Heading("Les opérateurs du Sud veulent peser"),
            Paragraph(
                "Depuis plusieurs éditions, les délégations du Maghreb réclament que les "
                "indicateurs du forum tiennent compte de la saison touristique, qui double la "
                "demande dans les villes côtières. Elles espèrent obtenir un groupe de travail "
                "dédié avant la prochaine réunion."
            ),
        ),
    ),
)
