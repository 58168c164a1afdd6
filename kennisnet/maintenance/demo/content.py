"""Fictional demo content for Kennisnet: organisations, members and documents.

Everything here is invented: the cooperatives, the people, the funds and the regulations. The
neighbourhoods and cities are real so that region filters and search look realistic, but no text
describes an existing organisation. Websites and e-mail addresses use the reserved example.org
domain so that nothing in a demo can reach a real site or mailbox.

`write_demo_file` renders a document as a real file of its kind (PDF, DOCX, ODT or Markdown) with
the title in the file's own metadata, so that seeding a demo runs the same upload and extraction
path as a member's upload.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import docx
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from odf import dc, meta, table
from odf import text as odf_text
from odf.opendocument import OpenDocumentText
from odf.style import ParagraphProperties, Style, TableColumnProperties, TextProperties

# Installed by the Debian/Ubuntu package fonts-dejavu-core. Without it the PDFs fall back to the
# core font Helvetica, which only covers latin-1: enough for ö, é and ë, not for the euro sign.
DEJAVU_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

FILE_SUFFIXES: dict[str, str] = {
    "pdf": ".pdf",
    "docx": ".docx",
    "odt": ".odt",
    "markdown": ".md",
}


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    kind: str
    region: str
    description: str
    website: str | None


@dataclass(frozen=True)
class DemoMember:
    email: str
    name: str
    organisation: str  # DemoOrganisation.name


@dataclass(frozen=True)
class DemoDocument:
    filename: str
    title: str
    summary: str
    type: str  # type slug
    themes: tuple[str, ...]  # theme slugs
    organisation: str  # DemoOrganisation.name
    uploader: str  # DemoMember.email
    region: str
    year: int
    visibility: str  # "public" or "members"
    body: tuple[str, ...]  # paragraphs of Dutch text
    kind: str  # "pdf" | "docx" | "odt" | "markdown"
    # Key facts ("Kenmerk", "Waarde"), rendered as a table in DOCX and ODT and as a list
    # elsewhere; used for deadlines and amounts in subsidies and legal basics in statutes.
    facts: tuple[tuple[str, str], ...] = ()


_VAART = "Wijkcoöperatie De Vaart"
_OOST = "Buurtcoöperatie Oost"
_HOOGEVEEN = "Zorgcoöperatie Hoogeveen-Noord"
_PRESIKHAAF = "Stichting Buurtnetwerk Presikhaaf"
_OOSTERPOORT = "Bewonerscoöperatie Oosterpoort"

ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        name=_VAART,
        kind="wijkcoöperatie",
        region="Drenthe",
        description=(
            "Coöperatie van bewoners in de wijken langs de Vaart in Assen. Wij runnen een "
            "buurtkamer, een buurtbus met vrijwillige chauffeurs en een klussendienst, en werken "
            "met de gemeente aan zorg en welzijn dichtbij huis."
        ),
        website="https://example.org/wijkcooperatie-de-vaart",
    ),
    DemoOrganisation(
        name=_OOST,
        kind="buurtcoöperatie",
        region="Utrecht",
        description=(
            "Bewoners uit Utrecht-Oost die samen een repaircafé, een buurtcentrum en een potje "
            "voor buurtinitiatieven beheren. Samen met de hogeschool werken we aan een "
            "wijkleerplaats."
        ),
        website="https://example.org/buurtcooperatie-oost",
    ),
    DemoOrganisation(
        name=_HOOGEVEEN,
        kind="zorgcoöperatie",
        region="Drenthe",
        description=(
            "Zorgcoöperatie die informele zorg, ondersteuning van mantelzorgers en ontmoeting "
            "organiseert voor ouderen en hun naasten in het noorden van Hoogeveen."
        ),
        website=None,
    ),
    DemoOrganisation(
        name=_PRESIKHAAF,
        kind="stichting",
        region="Gelderland",
        description=(
            "Netwerk van vrijwilligers in de Arnhemse wijk Presikhaaf dat buren helpt met "
            "boodschappen, vervoer, klusjes en gezelschap, via een telefonisch hulppunt en een "
            "buurthulp-app."
        ),
        website="https://example.org/buurtnetwerk-presikhaaf",
    ),
    DemoOrganisation(
        name=_OOSTERPOORT,
        kind="bewonerscoöperatie",
        region="Groningen",
        description=(
            "Coöperatie van bewoners van de Groningse Oosterpoort die werkt aan betaalbaar en "
            "levensloopbestendig wonen, een buurtrestaurant met leerwerkplekken en een sterke "
            "wijkeconomie."
        ),
        website=None,
    ),
)

MEMBERS: tuple[DemoMember, ...] = (
    DemoMember("anneke.bosman@example.org", "Anneke Bosman", _VAART),
    DemoMember("henk.dijkstra@example.org", "Henk Dijkstra", _VAART),
    DemoMember("fatima.elamrani@example.org", "Fatima El Amrani", _OOST),
    DemoMember("joost.vandermeer@example.org", "Joost van der Meer", _OOST),
    DemoMember("gerda.mulder@example.org", "Gerda Mulder", _HOOGEVEEN),
    DemoMember("bert.wolters@example.org", "Bert Wolters", _HOOGEVEEN),
    DemoMember("sanne.kuipers@example.org", "Sanne Kuipers", _PRESIKHAAF),
    DemoMember("ruud.hoekstra@example.org", "Ruud Hoekstra", _OOSTERPOORT),
)

DOCUMENTS: tuple[DemoDocument, ...] = (
    DemoDocument(
        filename="buurtkamer-de-vaart-pilot-idee.pdf",
        title="Pilotidee: buurtkamer met koffieochtenden tegen eenzaamheid",
        summary=(
            "Voorstel voor een buurtkamer in het oude wijkgebouw aan de Vaart, waar vrijwilligers "
            "drie ochtenden per week koffie schenken om eenzaamheid onder ouderen en nieuwe "
            "bewoners te doorbreken."
        ),
        type="pilot-idee",
        themes=("ontmoetingsplekken", "informele-zorg", "buurtnetwerken"),
        organisation=_VAART,
        uploader="anneke.bosman@example.org",
        region="Drenthe",
        year=2024,
        visibility="public",
        kind="pdf",
        body=(
            (
                "Aanleiding. In onze wijk wonen steeds meer mensen alleen. Uit de buurtpeiling van "
                "vorig jaar bleek dat bijna een op de vijf bewoners zich weleens eenzaam voelt, en "
                "dat geldt niet alleen voor ouderen. Ook jonge moeders, mensen die net zijn "
                "verhuisd en mantelzorgers vertelden dat ze weinig contact hebben met buren. "
                "Tegelijk hoorden we van veel bewoners dat ze best iets voor een ander willen "
                "doen, als er maar een plek is waar ze elkaar kunnen ontmoeten."
            ),
            (
                "Het idee. We willen een buurtkamer openen in het leegstaande lokaal van het oude "
                "wijkgebouw aan de Vaart. De buurtkamer is drie ochtenden per week open, van half "
                "tien tot twaalf uur. Er is koffie en thee, de krant ligt op tafel en er staat een "
                "puzzel klaar. Er is geen programma dat je moet volgen: je loopt binnen, je gaat "
                "zitten en je maakt een praatje. Eén keer per maand organiseren we een "
                "koffieochtend met een thema, bijvoorbeeld veilig thuis wonen, digitaal bankieren "
                "of wat de Wmo voor je kan betekenen."
            ),
            (
                "Wie doet wat. De buurtkamer draait op vrijwilligers. Per ochtend zijn er twee "
                "gastvrouwen of gastheren die koffie schenken en nieuwe bezoekers welkom heten. We "
                "hebben al negen aanmeldingen van bewoners die een vaste ochtend willen doen. Een "
                "van hen is gepensioneerd wijkverpleegkundige en kan signaleren wanneer iemand "
                "meer zorg nodig heeft. Die signalen geven we, alleen met toestemming van de "
                "bewoner, door aan het sociaal wijkteam van de gemeente."
            ),
            (
                "Bereik. We willen vooral de mensen bereiken die niet vanzelf komen. Daarom gaan "
                "vrijwilligers in de eerste maanden langs de deuren in de flats aan de Vaart met "
                "een uitnodiging op papier. De huisarts, de apotheek en de thuiszorg leggen "
                "folders neer. Bewoners die slecht ter been zijn, kunnen worden opgehaald door de "
                "vrijwillige chauffeurs van onze buurtbus."
            ),
            (
                "Wat het kost. Voor een proefperiode van twaalf maanden rekenen we op ongeveer € "
                "6.500: huur van het lokaal tegen een maatschappelijk tarief, koffie en thee, een "
                "kleine vrijwilligersvergoeding, een cursus signaleren van eenzaamheid voor de "
                "gastvrouwen en gastheren, en drukwerk. We vragen een bijdrage uit het buurtbudget "
                "van de gemeente en willen de rest dekken met vrije giften van leden van de "
                "wijkcoöperatie."
            ),
            (
                "Hoe meten we of het werkt. We houden bij hoeveel mensen er komen en hoeveel "
                "daarvan nieuw zijn. Na zes en na twaalf maanden vragen we bezoekers met een korte "
                "vragenlijst of ze meer mensen in de buurt kennen dan eerst. Ook vragen we de "
                "vrijwilligers wat het hun oplevert. Als de pilot slaagt, willen we de buurtkamer "
                "opnemen in de vaste activiteiten van de coöperatie en onderzoeken of een tweede "
                "buurtkamer in de nieuwbouwwijk mogelijk is."
            ),
            (
                "Wat we van andere coöperaties willen leren. Wij zijn benieuwd naar ervaringen met "
                "ontmoetingsplekken elders. Hoe houd je vrijwilligers vast? Hoe voorkom je dat "
                "steeds dezelfde groep komt? En hoe regel je de samenwerking met het wijkteam "
                "zonder dat de buurtkamer een loket wordt? Reacties zijn welkom via het Kennisnet."
            ),
        ),
    ),
    DemoDocument(
        filename="mantelzorgcafe-respijtzorg-projectplan.docx",
        title="Projectplan Mantelzorgcafé en respijtzorg door buren",
        summary=(
            "Plan voor een maandelijks mantelzorgcafé en een groep getrainde buren die "
            "mantelzorgers een dagdeel per week ontlasten, met begroting en planning voor achttien "
            "maanden."
        ),
        type="projectplan",
        themes=("mantelzorg", "informele-zorg", "buurtnetwerken"),
        organisation=_HOOGEVEEN,
        uploader="gerda.mulder@example.org",
        region="Drenthe",
        year=2023,
        visibility="public",
        kind="docx",
        facts=(
            ("Looptijd", "18 maanden"),
            ("Begroting", "€ 24.000"),
            ("Doelgroep", "mantelzorgers in Hoogeveen-Noord"),
            ("Vrijwilligers", "20 getrainde buren"),
        ),
        body=(
            (
                "Achtergrond. In Hoogeveen-Noord zorgen ruim vierhonderd bewoners langdurig voor "
                "een partner, ouder of kind. Veel mantelzorgers doen dat jarenlang zonder pauze. "
                "Ze vertellen ons dat ze vooral behoefte hebben aan even op adem komen en aan "
                "contact met mensen die hetzelfde meemaken. De professionele respijtzorg in de "
                "regio heeft wachtlijsten en voelt voor veel mensen als een grote stap."
            ),
            (
                "Doel van het project. Met dit project willen we mantelzorgers ontlasten en "
                "voorkomen dat zij overbelast raken. We doen dat op twee manieren: met een "
                "mantelzorgcafé waar mantelzorgers elkaar ontmoeten, en met respijtzorg door "
                "buren, waarbij getrainde vrijwilligers uit de buurt de zorg een dagdeel "
                "overnemen."
            ),
            (
                "Het mantelzorgcafé. Elke eerste dinsdagavond van de maand is er een "
                "mantelzorgcafé in het buurthuis. Er is een korte inleiding over een onderwerp dat "
                "mantelzorgers zelf kiezen, zoals omgaan met dementie, regelzaken rond de Wmo of "
                "hoe je hulp durft te vragen. Daarna is er tijd om bij te praten. De consulent "
                "mantelzorg van de gemeente is om de maand aanwezig voor vragen. Zo nodig regelen "
                "we een vrijwilliger voor thuis, zodat ook mantelzorgers die hun naaste niet "
                "alleen kunnen laten, kunnen komen."
            ),
            (
                "Respijtzorg door buren. We werven twintig vrijwilligers die elk een vaste "
                "mantelzorger gaan ondersteunen. Een vrijwilliger komt bijvoorbeeld elke "
                "donderdagmiddag bij meneer thuis, zodat zijn vrouw naar de markt of naar haar "
                "koor kan. Het gaat om gezelschap en toezicht, niet om verpleging of persoonlijke "
                "verzorging. Vrijwilligers volgen vooraf een training van drie avonden over "
                "dementie, grenzen stellen en wat te doen in noodsituaties. Ze hebben een "
                "verklaring omtrent het gedrag en zijn verzekerd via de vrijwilligersverzekering "
                "van de gemeente."
            ),
            (
                "Koppeling en begeleiding. Een vrijwillige coördinator koppelt mantelzorger en "
                "vrijwilliger na een kennismakingsgesprek. Na zes weken is er een evaluatie. Elk "
                "kwartaal komen de vrijwilligers bij elkaar om ervaringen uit te wisselen. De "
                "coördinator krijgt een vrijwilligersvergoeding en wordt begeleid door een "
                "professional van de welzijnsorganisatie."
            ),
            (
                "Planning. In het eerste halfjaar starten we het mantelzorgcafé en werven en "
                "trainen we de eerste tien vrijwilligers. In het tweede halfjaar groeien we naar "
                "twintig koppelingen. Na anderhalf jaar bekijken we samen met de gemeente en de "
                "zorgverzekeraar of respijtzorg door buren een vaste plek kan krijgen in het "
                "lokale Wmo-beleid."
            ),
            (
                "Begroting en financiering. De totale kosten voor achttien maanden zijn geraamd op "
                "€ 24.000. De grootste posten zijn de trainingen, de vrijwilligersvergoedingen, de "
                "huur van het buurthuis en de verzekering. We dienen een subsidieaanvraag in bij "
                "de gemeente in het kader van het mantelzorgbeleid en vragen een aanvullende "
                "bijdrage van een lokaal fonds. Leden van de zorgcoöperatie dragen bij via een "
                "deel van de contributie."
            ),
            (
                "Risico's. Het grootste risico is dat mantelzorgers het moeilijk vinden om de zorg "
                "aan een buur over te laten. Daarom beginnen we klein, met korte bezoeken waarbij "
                "de mantelzorger eerst zelf thuis blijft. Ook houden we rekening met uitval van "
                "vrijwilligers en zorgen we dat elke mantelzorger een vaste vervanger heeft."
            ),
        ),
    ),
    DemoDocument(
        filename="statuten-wijkcooperatie-de-vaart.docx",
        title="Statuten Wijkcoöperatie De Vaart U.A.",
        summary=(
            "Statuten van de wijkcoöperatie als coöperatie met uitgesloten aansprakelijkheid "
            "(U.A.): naam en zetel, doel, leden, algemene ledenvergadering, bestuur, geldmiddelen "
            "en ontbinding."
        ),
        type="statuten",
        themes=("burgerparticipatie", "wijkeconomie", "buurtnetwerken"),
        organisation=_VAART,
        uploader="henk.dijkstra@example.org",
        region="Drenthe",
        year=2021,
        visibility="public",
        kind="docx",
        facts=(
            ("Rechtsvorm", "coöperatie met uitgesloten aansprakelijkheid (U.A.)"),
            ("Zetel", "Assen"),
            ("Bestuur", "3 tot 7 leden, benoemd door de algemene ledenvergadering"),
            ("Boekjaar", "kalenderjaar"),
            ("Vastgesteld", "oprichtingsvergadering, maart 2021"),
        ),
        body=(
            (
                "Artikel 1. Naam en zetel. De coöperatie draagt de naam Wijkcoöperatie De Vaart "
                "U.A. Zij is gevestigd in de gemeente Assen en is aangegaan voor onbepaalde tijd. "
                "De aansprakelijkheid van leden en oud-leden voor een tekort van de coöperatie is "
                "uitgesloten."
            ),
            (
                "Artikel 2. Doel. De coöperatie heeft ten doel in bepaalde stoffelijke behoeften "
                "van haar leden te voorzien door met hen overeenkomsten te sluiten in het bedrijf "
                "dat zij daartoe ten behoeve van haar leden uitoefent. Zij organiseert diensten op "
                "het gebied van zorg, welzijn, wonen, ontmoeting en wijkeconomie, zodat bewoners "
                "zo lang mogelijk prettig en zelfstandig in de wijk kunnen blijven wonen. De "
                "coöperatie streeft geen winst na om die aan leden uit te keren; een overschot "
                "wordt ingezet voor buurtinitiatieven."
            ),
            (
                "Artikel 3. Middelen. De coöperatie tracht haar doel onder meer te bereiken door "
                "de inzet van vrijwilligers en betaalde krachten, door samenwerking met de "
                "gemeente, zorgaanbieders, woningcorporaties en andere wijkcoöperaties, door het "
                "verwerven van subsidies en giften en door het beheren van ontmoetingsplekken in "
                "de wijk."
            ),
            (
                "Artikel 4. Leden. Lid kunnen zijn natuurlijke personen van achttien jaar en ouder "
                "die in de wijk wonen of werken, en rechtspersonen die in de wijk actief zijn. Het "
                "bestuur beslist over de toelating. Bij weigering kan de betrokkene binnen een "
                "maand in beroep gaan bij de algemene ledenvergadering. Het lidmaatschap eindigt "
                "door overlijden, opzegging, ontzetting of, bij een rechtspersoon, door "
                "ontbinding. Opzegging kan schriftelijk, met een opzegtermijn van vier weken, "
                "tegen het einde van een boekjaar."
            ),
            (
                "Artikel 5. Verplichtingen van leden. Leden betalen een jaarlijkse contributie die "
                "door de algemene ledenvergadering wordt vastgesteld. Bewoners met een laag "
                "inkomen kunnen het bestuur om een verlaagde contributie vragen. Leden handelen in "
                "de geest van de coöperatie en schaden haar belangen niet."
            ),
            (
                "Artikel 6. Algemene ledenvergadering. Jaarlijks wordt binnen zes maanden na "
                "afloop van het boekjaar een algemene ledenvergadering gehouden. Daarin doet het "
                "bestuur verslag van het gevoerde beleid en legt het de jaarrekening ter "
                "goedkeuring voor. De oproeping gebeurt ten minste veertien dagen vooraf, "
                "schriftelijk of per e-mail, met vermelding van de agenda. Ieder lid heeft één "
                "stem. Een lid kan schriftelijk een ander lid machtigen om namens hem te stemmen; "
                "niemand kan meer dan één ander lid vertegenwoordigen. Besluiten worden genomen "
                "met volstrekte meerderheid van de uitgebrachte stemmen, tenzij deze statuten "
                "anders bepalen."
            ),
            (
                "Artikel 7. Bestuur. Het bestuur bestaat uit ten minste drie en ten hoogste zeven "
                "natuurlijke personen, die door de algemene ledenvergadering uit de leden worden "
                "benoemd. Bestuurders worden benoemd voor drie jaar en zijn eenmaal herbenoembaar. "
                "Het bestuur kiest uit zijn midden een voorzitter, een secretaris en een "
                "penningmeester. De coöperatie wordt vertegenwoordigd door twee gezamenlijk "
                "handelende bestuurders. Voor het aangaan van leningen, het kopen of huren van "
                "onroerende zaken en verplichtingen boven € 10.000 is vooraf goedkeuring van de "
                "algemene ledenvergadering nodig."
            ),
            (
                "Artikel 8. Geldmiddelen. De geldmiddelen van de coöperatie bestaan uit "
                "contributies, vergoedingen voor diensten, subsidies, giften, schenkingen, "
                "erfstellingen en legaten, en overige inkomsten. Erfstellingen worden alleen "
                "aanvaard onder het voorrecht van boedelbeschrijving. Het boekjaar valt samen met "
                "het kalenderjaar. Een kascommissie van twee leden die geen deel uitmaken van het "
                "bestuur, onderzoekt jaarlijks de jaarrekening en brengt verslag uit aan de "
                "algemene ledenvergadering."
            ),
            (
                "Artikel 9. Statutenwijziging. Een besluit tot wijziging van de statuten kan "
                "alleen worden genomen in een algemene ledenvergadering waarvoor is opgeroepen met "
                "de mededeling dat daar een statutenwijziging wordt voorgesteld, met een "
                "meerderheid van ten minste twee derde van de uitgebrachte stemmen."
            ),
            (
                "Artikel 10. Ontbinding. De coöperatie kan worden ontbonden door een besluit van "
                "de algemene ledenvergadering, genomen met ten minste twee derde van de "
                "uitgebrachte stemmen in een vergadering waarin ten minste de helft van de leden "
                "aanwezig of vertegenwoordigd is. Een batig saldo na vereffening wordt besteed aan "
                "een doel dat zoveel mogelijk overeenkomt met het doel van de coöperatie, bij "
                "voorkeur een andere wijkcoöperatie of een algemeen nut beogende instelling in de "
                "gemeente. Uitkering aan leden is uitgesloten."
            ),
        ),
    ),
    DemoDocument(
        filename="statuten-stichting-buurtnetwerk-presikhaaf.odt",
        title="Statuten Stichting Buurtnetwerk Presikhaaf",
        summary=(
            "Statuten van de stichting die het buurtnetwerk van vrijwilligers in Presikhaaf "
            "draagt, met een bestuur, een adviserende raad van bewoners en een bestemming voor het "
            "algemeen nut bij ontbinding."
        ),
        type="statuten",
        themes=("buurtnetwerken", "burgerparticipatie", "informele-zorg"),
        organisation=_PRESIKHAAF,
        uploader="sanne.kuipers@example.org",
        region="Gelderland",
        year=2022,
        visibility="members",
        kind="odt",
        facts=(
            ("Rechtsvorm", "stichting"),
            ("Zetel", "Arnhem"),
            ("Werkgebied", "Presikhaaf en omliggende buurten"),
            ("Bestuur", "ten minste 3 leden, onbezoldigd"),
            ("Inspraak", "raad van bewoners"),
        ),
        body=(
            (
                "Artikel 1. Naam en zetel. De stichting draagt de naam Stichting Buurtnetwerk "
                "Presikhaaf. Zij heeft haar zetel in de gemeente Arnhem."
            ),
            (
                "Artikel 2. Doel. De stichting heeft ten doel het versterken van de onderlinge "
                "hulp en betrokkenheid tussen bewoners van de wijk Presikhaaf en de omliggende "
                "buurten, het tegengaan van eenzaamheid en het ondersteunen van buurtinitiatieven, "
                "en voorts al hetgeen daarmee verband houdt of daartoe bevorderlijk kan zijn. De "
                "stichting beoogt het algemeen nut en heeft geen winstoogmerk."
            ),
            (
                "Artikel 3. Werkzaamheden. De stichting tracht haar doel te bereiken door het "
                "opbouwen en onderhouden van een netwerk van vrijwilligers die buren helpen met "
                "boodschappen, vervoer, kleine klussen en gezelschap; het beheren van een "
                "telefonisch en digitaal hulppunt; het organiseren van ontmoeting; en het "
                "samenwerken met de gemeente, het sociaal wijkteam, woningcorporaties en "
                "wijkcoöperaties."
            ),
            (
                "Artikel 4. Vermogen. Het vermogen van de stichting wordt gevormd door subsidies "
                "en donaties, schenkingen, erfstellingen en legaten, en alle andere verkrijgingen "
                "en baten. De stichting houdt niet meer vermogen aan dan redelijkerwijs nodig is "
                "voor de continuïteit van haar werkzaamheden."
            ),
            (
                "Artikel 5. Bestuur. Het bestuur bestaat uit ten minste drie leden. Ten minste de "
                "helft van de bestuurders woont in het werkgebied van de stichting. Bestuurders "
                "worden benoemd voor vier jaar en kunnen eenmaal worden herbenoemd. Zij ontvangen "
                "geen beloning voor hun werkzaamheden; wel kunnen gemaakte onkosten worden "
                "vergoed. Het bestuur vergadert ten minste vier keer per jaar en besluit met "
                "volstrekte meerderheid van stemmen."
            ),
            (
                "Artikel 6. Raad van bewoners. De stichting kent een raad van bewoners, bestaande "
                "uit vrijwilligers en deelnemers van het buurtnetwerk. De raad adviseert het "
                "bestuur gevraagd en ongevraagd over het beleid, de begroting en het jaarverslag. "
                "Het bestuur stelt de begroting pas vast nadat de raad van bewoners advies heeft "
                "kunnen uitbrengen. Eenmaal per jaar organiseert het bestuur een open "
                "bewonersavond waar iedereen uit de wijk vragen kan stellen."
            ),
            (
                "Artikel 7. Vertegenwoordiging. De stichting wordt vertegenwoordigd door het "
                "bestuur of door twee gezamenlijk handelende bestuurders."
            ),
            (
                "Artikel 8. Boekjaar en jaarstukken. Het boekjaar is gelijk aan het kalenderjaar. "
                "Het bestuur maakt binnen zes maanden na afloop van het boekjaar een balans en een "
                "staat van baten en lasten op en publiceert een beknopt jaarverslag, zodat "
                "vrijwilligers, bewoners en subsidiegevers kunnen zien waar het geld aan is "
                "besteed."
            ),
            (
                "Artikel 9. Statutenwijziging. Het bestuur kan de statuten wijzigen met een "
                "meerderheid van twee derde van de stemmen in een vergadering waarin alle "
                "bestuurders aanwezig of vertegenwoordigd zijn, na advies van de raad van "
                "bewoners."
            ),
            (
                "Artikel 10. Ontbinding en vereffening. Bij ontbinding wordt een batig saldo "
                "besteed aan een algemeen nut beogende instelling met een soortgelijke "
                "doelstelling, bij voorkeur een buurtnetwerk of wijkcoöperatie die actief is in "
                "Arnhem."
            ),
        ),
    ),
    DemoDocument(
        filename="subsidieregeling-bewonersinitiatieven-2026.docx",
        title="Subsidieregeling Bewonersinitiatieven 2026",
        summary=(
            "Overzicht van de Subsidieregeling Bewonersinitiatieven 2026 van het Klaverfonds: wie "
            "kan aanvragen, welke bedragen, de deadlines en tips voor een sterke subsidieaanvraag."
        ),
        type="subsidie",
        themes=("burgerparticipatie", "ontmoetingsplekken", "buurtnetwerken"),
        organisation=_OOST,
        uploader="fatima.elamrani@example.org",
        region="Utrecht",
        year=2026,
        visibility="public",
        kind="docx",
        facts=(
            ("Fonds", "Klaverfonds voor Bewonersinitiatieven"),
            (
                "Doelgroep",
                "bewonersgroepen (min. 3 bewoners), stichtingen, verenigingen, wijkcoöperaties",
            ),
            ("Klein spoor", "tot € 2.500, doorlopend aanvragen"),
            ("Groot spoor", "€ 2.500 tot € 15.000, maximaal 75% van de begroting"),
            ("Deadline voorjaarsronde", "1 april 2026"),
            ("Deadline najaarsronde", "1 oktober 2026"),
            ("Looptijd", "maximaal 2 jaar"),
        ),
        body=(
            (
                "Waarom dit overzicht. Veel leden vroegen in de ledenvergadering hoe je als "
                "bewonersgroep aan geld komt voor een buurtinitiatief. Het Klaverfonds opent in "
                "2026 een nieuwe ronde van de Subsidieregeling Bewonersinitiatieven. In dit "
                "overzicht zetten we de belangrijkste regels op een rij, met tips uit onze eigen "
                "subsidieaanvragen van de afgelopen jaren."
            ),
            (
                "Voor wie. De regeling is bedoeld voor groepen van ten minste drie bewoners, "
                "bewonersverenigingen, stichtingen en wijkcoöperaties die iets organiseren voor en "
                "met hun buurt. Bedrijven en professionele zorgaanbieders kunnen niet zelf "
                "aanvragen, maar mogen wel partner zijn. Een rechtspersoon is niet verplicht: een "
                "informele groep kan aanvragen via een penvoerder, bijvoorbeeld een wijkcoöperatie "
                "die het geld beheert."
            ),
            (
                "Wat wordt gesteund. Het fonds steunt buurtinitiatieven die ontmoeting bevorderen, "
                "eenzaamheid tegengaan, buurtnetwerken versterken of bewoners meer zeggenschap "
                "geven over hun wijk. Voorbeelden zijn een buurtkamer, een moestuin, een burendag "
                "met een vervolg, een mantelzorgcafé of een bewonerspanel dat meedenkt met de "
                "gemeente. Activiteiten die de gemeente al structureel betaalt, komen niet in "
                "aanmerking."
            ),
            (
                "Bedragen. Er zijn twee sporen. Het kleine spoor is voor initiatieven tot € 2.500; "
                "daarvoor volstaat een aanvraagformulier van twee pagina's en je krijgt binnen zes "
                "weken bericht. Het grote spoor is voor projecten van € 2.500 tot € 15.000 met een "
                "looptijd van maximaal twee jaar. Daarvoor vraagt het fonds een projectplan, een "
                "begroting en een brief van ten minste één samenwerkingspartner. Het fonds betaalt "
                "maximaal 75 procent van de begroting; de rest moet komen uit eigen bijdragen, "
                "andere fondsen of uren van vrijwilligers. Vrijwilligersuren mogen worden "
                "meegeteld tegen € 15 per uur."
            ),
            (
                "Deadlines. Aanvragen voor het kleine spoor kunnen het hele jaar door worden "
                "ingediend, zolang er budget is. Voor het grote spoor zijn er twee rondes: de "
                "deadline van de voorjaarsronde is 1 april 2026 en die van de najaarsronde is 1 "
                "oktober 2026. Een adviescommissie waarin ook bewoners zitten, beoordeelt de "
                "aanvragen."
            ),
            (
                "Waar de commissie op let. Laat zien dat bewoners het initiatief zelf dragen en "
                "dat er vraag naar is, bijvoorbeeld met handtekeningen, een korte enquête of "
                "verslagen van buurtgesprekken. Beschrijf concreet wie je wilt bereiken en hoe je "
                "weet of het gelukt is. Een realistische begroting weegt zwaarder dan een mooi "
                "verhaal. Het fonds vraagt ook hoe het initiatief doorgaat als de subsidie stopt."
            ),
            (
                "Tips uit onze praktijk. Bel vooraf met de programmamedewerker van het fonds; dat "
                "scheelt veel werk. Vraag een andere wijkcoöperatie om je aanvraag te lezen. Houd "
                "de administratie vanaf de eerste dag bij, want na afloop vraagt het fonds een "
                "verantwoording met bonnen en een kort inhoudelijk verslag. En informeer tegelijk "
                "bij de gemeente naar het buurtbudget: de twee bijdragen zijn goed te combineren."
            ),
        ),
    ),
    DemoDocument(
        filename="investeringsfonds-wijkeconomie.pdf",
        title="Investeringsfonds voor wijkeconomie",
        summary=(
            "Uitleg over het Wijkeconomiefonds Noord: leningen tot € 50.000 en garantstellingen "
            "voor buurtondernemingen, met voorwaarden, een stappenplan en onze eigen ervaring met "
            "een aanvraag."
        ),
        type="subsidie",
        themes=("wijkeconomie", "burgerparticipatie"),
        organisation=_OOSTERPOORT,
        uploader="ruud.hoekstra@example.org",
        region="Groningen",
        year=2025,
        visibility="members",
        kind="pdf",
        facts=(
            ("Fonds", "Wijkeconomiefonds Noord"),
            ("Vorm", "lening of garantstelling, geen subsidie"),
            ("Bedrag", "€ 5.000 tot € 50.000; garantie tot € 75.000"),
            ("Rente 2025", "2%"),
            ("Looptijd", "maximaal 7 jaar"),
            ("Eigen inbreng", "ten minste 20%"),
        ),
        body=(
            (
                "Wat is het fonds. Het Wijkeconomiefonds Noord is een revolverend fonds voor "
                "buurtondernemingen in Groningen, Friesland en Drenthe. Het verstrekt geen "
                "subsidie maar leningen en garantstellingen tegen een lage rente. Wat wordt "
                "terugbetaald, wordt opnieuw uitgeleend aan andere initiatieven. Het fonds is "
                "opgezet door twee pensioenfondsen, de provincie en een groep wijkcoöperaties, en "
                "wordt beheerd door een onafhankelijke stichting."
            ),
            (
                "Voor wie. Het fonds is bedoeld voor wijkcoöperaties, buurtbedrijven en sociale "
                "ondernemingen die in de wijk werk, diensten of voorzieningen organiseren en "
                "daarmee inkomsten verdienen. Denk aan een buurtrestaurant, een "
                "wijkonderhoudsbedrijf met bewoners, een energiecoöperatie, een fietsenwerkplaats "
                "of een coöperatieve buurtwinkel. Het initiatief moet een rechtsvorm hebben en een "
                "ondernemingsplan met een sluitende exploitatie binnen drie jaar."
            ),
            (
                "Wat kun je krijgen. Leningen lopen van € 5.000 tot € 50.000, met een looptijd van "
                "maximaal zeven jaar. De rente is voor 2025 vastgesteld op 2 procent. In het "
                "eerste jaar hoeft niet te worden afgelost. Daarnaast kan het fonds garant staan "
                "voor een deel van een bankkrediet, tot € 75.000. Voor kleine initiatieven is er "
                "een starterslening van maximaal € 10.000 met een eenvoudiger beoordeling."
            ),
            (
                "Voorwaarden. Het fonds kijkt naar de maatschappelijke waarde voor de wijk en naar "
                "de financiële haalbaarheid. Er moet een betrokken groep bewoners achter het plan "
                "staan, bij voorkeur als leden of certificaathouders. Het fonds wil ten minste "
                "twintig procent eigen inbreng zien, bijvoorbeeld uit ledenkapitaal, crowdfunding "
                "of een bijdrage van de gemeente. Ook vraagt het fonds een jaarlijkse rapportage "
                "over het aantal leerwerkplekken, vrijwilligers en klanten uit de wijk."
            ),
            (
                "Stappenplan. Eerst vul je een korte intake in op de website van het fonds. Daarna "
                "volgt een gesprek met een adviseur, die ook helpt het ondernemingsplan aan te "
                "scherpen. Het complete plan gaat naar de investeringscommissie, die elke twee "
                "maanden vergadert. Reken op drie tot vier maanden van intake tot eerste "
                "uitbetaling."
            ),
            (
                "Onze ervaring. Bewonerscoöperatie Oosterpoort kreeg in 2024 een lening van € "
                "35.000 voor de verbouwing van de buurtkantine tot een buurtrestaurant met "
                "leerwerkplekken. De begeleiding was goed, maar het ondernemingsplan kostte ons "
                "veel meer tijd dan gedacht. Onze tip: betrek vroeg iemand met verstand van "
                "exploitatiebegrotingen, en reken niet te optimistisch met de omzet in de eerste "
                "maanden. Leden kunnen bij het bestuur onze aanvraag en het ondernemingsplan "
                "inzien."
            ),
        ),
    ),
    DemoDocument(
        filename="repaircafe-leerwerkplekken-pilot-idee.odt",
        title="Pilot repaircafé met leerwerkplekken",
        summary=(
            "Idee om het maandelijkse repaircafé uit te breiden tot een reparatiewerkplaats waar "
            "mbo-studenten en werkzoekenden uit de wijk leren repareren onder begeleiding van "
            "ervaren vrijwilligers."
        ),
        type="pilot-idee",
        themes=("wijkeconomie", "onderwijs-en-onderzoek-in-de-wijk", "ontmoetingsplekken"),
        organisation=_OOST,
        uploader="joost.vandermeer@example.org",
        region="Utrecht",
        year=2024,
        visibility="public",
        kind="odt",
        body=(
            (
                "Aanleiding. Ons repaircafé in Utrecht-Oost draait al zes jaar op de laatste "
                "zaterdag van de maand. Er komen gemiddeld veertig bezoekers met kapotte "
                "broodroosters, fietsen, lampen en kleding. De vrijwilligers zijn vakmensen, maar "
                "de meesten zijn boven de zeventig. We merken dat kennis verloren dreigt te gaan, "
                "terwijl er in de wijk jongeren zijn die een stageplek zoeken en volwassenen die "
                "graag weer aan het werk willen."
            ),
            (
                "Het idee. We willen het repaircafé uitbreiden tot een reparatiewerkplaats die "
                "twee dagen per week open is. Naast de vaste vrijwilligers werken er vier tot zes "
                "mbo-studenten en een aantal werkzoekenden uit de wijk. Zij leren onder "
                "begeleiding apparaten, fietsen en meubels repareren. Bewoners kunnen spullen "
                "brengen en tegen een kleine vergoeding laten maken. Op zaterdag blijft het gewone "
                "repaircafé bestaan, met koffie en ontmoeting."
            ),
            (
                "Leerwerkplekken. Met het roc in de stad maken we afspraken over erkende "
                "stageplaatsen voor de opleidingen fietstechniek, elektrotechniek en meubelmaken. "
                "Voor werkzoekenden zoeken we samenwerking met het werkgeversservicepunt en de "
                "afdeling werk en inkomen van de gemeente. Iedere deelnemer krijgt een vaste "
                "vrijwilliger als leermeester. Aan het eind krijgen deelnemers een "
                "praktijkverklaring waarin staat wat ze kunnen."
            ),
            (
                "Wat levert het op. Minder afval en lagere kosten voor bewoners, vooral voor "
                "huishoudens met een krappe beurs. Jongeren doen echte werkervaring op in hun "
                "eigen wijk. Oudere vrijwilligers geven hun vakmanschap door. En de werkplaats "
                "wordt een nieuwe ontmoetingsplek, waar mensen die elkaar anders niet tegenkomen "
                "samen aan een werkbank staan."
            ),
            (
                "Wat hebben we nodig. Een ruimte van ongeveer tachtig vierkante meter met "
                "krachtstroom, gereedschap, een klein budget voor onderdelen en een coördinator "
                "voor zestien uur per week. De woningcorporatie heeft een leegstaande winkelruimte "
                "bij het winkelcentrum aangeboden tegen een sociale huur. Voor de eerste twee jaar "
                "begroten we € 48.000. Een deel verdienen we terug met reparatievergoedingen; voor "
                "de rest kijken we naar een investeringsfonds voor wijkeconomie en naar de "
                "gemeente, die een budget heeft voor circulaire economie."
            ),
            (
                "Vragen aan het netwerk. Heeft een andere coöperatie ervaring met stageplekken van "
                "het mbo bij een vrijwilligersorganisatie? Hoe regel je de begeleiding en de "
                "verzekering? En hoe voorkom je dat de werkplaats concurreert met de fietsenmaker "
                "op de hoek? Wij denken aan duidelijke afspraken over welke reparaties we wel en "
                "niet doen."
            ),
        ),
    ),
    DemoDocument(
        filename="digitale-buurthulp-app-projectplan.pdf",
        title="Projectplan digitale buurthulp-app",
        summary=(
            "Plan voor een eenvoudige, open-source buurthulp-app waarmee bewoners hulp vragen en "
            "aanbieden, gekoppeld aan een telefonisch hulppunt voor wie niet digitaal is."
        ),
        type="projectplan",
        themes=("digitale-infrastructuur", "buurtnetwerken", "informele-zorg"),
        organisation=_PRESIKHAAF,
        uploader="sanne.kuipers@example.org",
        region="Gelderland",
        year=2025,
        visibility="members",
        kind="pdf",
        facts=(
            ("Begroting ontwikkeling", "€ 38.000"),
            ("Beheer en hosting", "€ 4.000 per jaar"),
            ("Testperiode", "3 maanden in twee buurten"),
        ),
        body=(
            (
                "Aanleiding. Het buurtnetwerk in Presikhaaf koppelt nu elke maand zo'n zestig "
                "hulpvragen aan vrijwilligers: een boodschap, een lift naar het ziekenhuis, hulp "
                "bij een formulier. Dat loopt via een telefoon, een schrift en veel appgroepen. De "
                "coördinatoren raken het overzicht kwijt en vrijwilligers krijgen soms tien "
                "berichten per dag over vragen die al zijn opgepakt. Ook weten we niet goed "
                "hoeveel hulp er eigenlijk wordt geboden, wat lastig is bij het verantwoorden van "
                "subsidies."
            ),
            (
                "Doel. We willen een eenvoudige buurthulp-app waarin bewoners een hulpvraag kunnen "
                "plaatsen en vrijwilligers in de buurt die vraag kunnen aannemen. De coördinator "
                "ziet in één overzicht welke vragen openstaan. Wie geen smartphone heeft of er "
                "niet mee overweg kan, blijft gewoon bellen met het hulppunt; de coördinator zet "
                "de vraag dan in de app. Niemand mag buiten de boot vallen omdat hij niet digitaal "
                "is."
            ),
            (
                "Uitgangspunten. De app wordt open source, zodat andere buurtnetwerken en "
                "wijkcoöperaties hem kunnen gebruiken en verbeteren. Gegevens worden in Nederland "
                "opgeslagen en we verzamelen niet meer dan nodig: een voornaam, een buurt en een "
                "telefoonnummer. Een adres wordt pas gedeeld als een vrijwilliger een vraag heeft "
                "aangenomen. Voordat de app live gaat, laten we een privacytoets uitvoeren. De app "
                "moet ook werken voor mensen met een visuele beperking en is geschreven in "
                "eenvoudige taal."
            ),
            (
                "Aanpak. We werken in drie fases. In de eerste fase ontwerpen we de app samen met "
                "bewoners, vrijwilligers en twee coördinatoren in vier werksessies in het "
                "buurthuis. In de tweede fase bouwt een kleine ontwikkelaar uit de regio een "
                "eerste versie op basis van een bestaand open-source platform. In de derde fase "
                "testen we de app drie maanden in twee buurten en passen we hem aan op basis van "
                "de ervaringen. Daarna volgt de invoering in heel Presikhaaf."
            ),
            (
                "Digitale vaardigheden. Tegelijk met de app organiseren we met de bibliotheek een "
                "wekelijks digitaal spreekuur. Vrijwilligers helpen bewoners met het installeren "
                "van de app, maar ook met DigiD, de website van de gemeente en videobellen met de "
                "huisarts. Zo versterkt het project de digitale infrastructuur van de wijk in "
                "bredere zin."
            ),
            (
                "Begroting. De kosten voor ontwerp, bouw en test zijn geraamd op € 38.000, plus € "
                "4.000 per jaar voor hosting en onderhoud. We vragen een bijdrage van de gemeente "
                "uit het Wmo-budget voor informele zorg en dienen een aanvraag in bij een fonds "
                "voor digitale inclusie. Met twee andere buurtnetwerken in Gelderland bespreken we "
                "of zij willen meebetalen aan het onderhoud in ruil voor gebruik."
            ),
            (
                "Resultaat na een jaar. Alle hulpvragen lopen via één systeem, vrijwilligers "
                "krijgen alleen berichten over vragen die bij hen passen, het aantal beantwoorde "
                "hulpvragen is met een kwart gestegen en we maken met een paar klikken een "
                "jaaroverzicht voor de gemeente en de fondsen."
            ),
        ),
    ),
    DemoDocument(
        filename="ervaringsdeskundigen-sociaal-wijkteam.docx",
        title="Ervaringsdeskundigen in het sociaal wijkteam",
        summary=(
            "Pilotidee om getrainde ervaringsdeskundigen uit de wijk mee te laten werken met het "
            "sociaal wijkteam, zodat bewoners met schulden, psychische klachten of eenzaamheid "
            "eerder hulp vragen."
        ),
        type="pilot-idee",
        themes=("ervaringsdeskundigheid", "informele-zorg", "preventie-en-leefstijl"),
        organisation=_HOOGEVEEN,
        uploader="bert.wolters@example.org",
        region="Drenthe",
        year=2022,
        visibility="public",
        kind="docx",
        body=(
            (
                "Waarom. Bewoners met schulden, psychische klachten of een verslaving vinden vaak "
                "moeilijk de weg naar het sociaal wijkteam. Ze schamen zich, hebben slechte "
                "ervaringen met instanties of weten niet wat ze kunnen verwachten. In gesprekken "
                "in onze ontmoetingsruimte hoorden we steeds: ik wil praten met iemand die het "
                "zelf heeft meegemaakt. Dat bracht ons op het idee om ervaringsdeskundigen een "
                "vaste rol te geven naast de professionals."
            ),
            (
                "Wat is een ervaringsdeskundige. Een ervaringsdeskundige heeft zelf een moeilijke "
                "periode doorgemaakt, bijvoorbeeld met armoede, een psychische aandoening of zware "
                "mantelzorg, en heeft geleerd die ervaring bewust in te zetten om anderen te "
                "helpen. Het gaat dus niet alleen om het eigen verhaal, maar om wat je daarvan "
                "hebt geleerd. In onze regio volgen ervaringsdeskundigen een mbo-opleiding of een "
                "erkende cursus."
            ),
            (
                "Het pilotidee. Een jaar lang werken drie ervaringsdeskundigen uit Hoogeveen-Noord "
                "elk acht uur per week mee met het sociaal wijkteam. Ze gaan mee op huisbezoek als "
                "de bewoner dat wil, houden een wekelijks inloopspreekuur in de ontmoetingsruimte "
                "van de zorgcoöperatie en denken mee in het teamoverleg. Ze zijn er voor bewoners "
                "die eerst laagdrempelig willen praten voordat ze met een hulpverlener in gesprek "
                "gaan."
            ),
            (
                "Afspraken over rollen. De ervaringsdeskundige is geen hulpverlener en neemt geen "
                "besluiten over indicaties of voorzieningen. Wel kan hij of zij een bewoner helpen "
                "om de vraag helder te krijgen, meegaan naar een gesprek en na afloop nabespreken. "
                "Over privacy maken we heldere afspraken met de gemeente: wat een bewoner aan de "
                "ervaringsdeskundige vertelt, wordt alleen met toestemming gedeeld met het team."
            ),
            (
                "Begeleiding en vergoeding. Ervaringsdeskundigen krijgen een betaald contract of "
                "een passende vrijwilligersvergoeding, want het gaat om werk dat vakmanschap "
                "vraagt. Ze hebben intervisie met elkaar en supervisie van een ervaren begeleider. "
                "Omdat het werk zwaar kan zijn, let de coördinator goed op de belasting en is er "
                "ruimte om even een stap terug te doen."
            ),
            (
                "Wat willen we bereiken. We verwachten dat meer bewoners eerder hulp vragen, zodat "
                "problemen met schulden of gezondheid niet uit de hand lopen. Dat is preventie in "
                "de praktijk. We tellen hoeveel bewoners via de ervaringsdeskundigen bij het "
                "wijkteam komen en vragen bewoners en professionals naar hun ervaringen. Na een "
                "jaar besluiten we samen met de gemeente of de inzet structureel wordt."
            ),
        ),
    ),
    DemoDocument(
        filename="wandelgroep-gezonde-buurtmaaltijd.odt",
        title="Wandelgroep en gezonde buurtmaaltijd",
        summary=(
            "Projectplan voor een wekelijkse wandelgroep met om de week een gezonde buurtmaaltijd, "
            "samen met de praktijkondersteuner van de huisarts en de buurtsportcoach."
        ),
        type="projectplan",
        themes=("preventie-en-leefstijl", "ontmoetingsplekken", "buurtnetwerken"),
        organisation=_VAART,
        uploader="anneke.bosman@example.org",
        region="Drenthe",
        year=2023,
        visibility="public",
        kind="odt",
        body=(
            (
                "Aanleiding. De huisartsenpraktijk in onze wijk ziet veel bewoners met "
                "overgewicht, diabetes type 2 en klachten die samenhangen met te weinig bewegen en "
                "eenzaamheid. De praktijkondersteuner vertelde ons dat het advies om meer te "
                "bewegen weinig oplevert als mensen niemand hebben om het samen mee te doen. "
                "Tegelijk kookt een groep vrijwilligers van de wijkcoöperatie al twee jaar een "
                "maandelijkse buurtmaaltijd. Die twee dingen willen we combineren."
            ),
            (
                "Wat gaan we doen. Elke woensdag om tien uur vertrekt een wandelgroep vanaf het "
                "wijkgebouw. Er zijn twee routes: een korte van twee kilometer voor wie slecht ter "
                "been is, en een langere van vijf kilometer langs de Vaart. Iedere route heeft een "
                "vrijwillige wandelbegeleider met een EHBO-diploma. Na afloop drinken we samen "
                "koffie. Om de week volgt op de wandeling een gezonde buurtmaaltijd, die we samen "
                "met de deelnemers koken."
            ),
            (
                "Gezond en betaalbaar koken. De buurtmaaltijd is gezond, lekker en goedkoop: veel "
                "groente, volkoren producten en weinig zout. Een diëtist van de huisartsenpraktijk "
                "helpt twee keer per jaar met het samenstellen van de menu's en geeft tussendoor "
                "korte tips, bijvoorbeeld over eten met diabetes of gezond boodschappen doen met "
                "een klein budget. Deelnemers betalen vier euro per maaltijd; wie dat niet kan "
                "betalen, eet mee op kosten van de pot."
            ),
            (
                "Samenwerking. De praktijkondersteuner en de wijkverpleegkundige verwijzen "
                "patiënten naar de wandelgroep. De buurtsportcoach van de gemeente traint de "
                "wandelbegeleiders en doet vier keer per jaar een beweegtest met deelnemers die "
                "dat willen. De supermarkt in het winkelcentrum levert groente tegen inkoopprijs. "
                "Het buurtnetwerk van de wijkcoöperatie regelt vervoer voor wie niet zelf kan "
                "komen."
            ),
            (
                "Begroting. Voor het eerste jaar is € 7.800 nodig, vooral voor boodschappen, de "
                "huur van de keuken, de training van vrijwilligers en een vergoeding voor de "
                "diëtist. We dekken dit uit de bijdragen van deelnemers, een bijdrage van de "
                "gemeente uit het lokale preventieakkoord en een aanvraag bij de zorgverzekeraar "
                "voor leefstijlactiviteiten in de wijk."
            ),
            (
                "Resultaten. Na een jaar willen we veertig vaste deelnemers hebben, van wie "
                "minstens de helft op advies van de huisarts is gekomen. We vragen deelnemers aan "
                "het begin en na een jaar hoe vaak ze bewegen, hoe ze hun gezondheid ervaren en of "
                "ze meer mensen in de buurt kennen. Zo laten we zien dat preventie en leefstijl in "
                "de wijk beginnen bij samen iets doen."
            ),
        ),
    ),
    DemoDocument(
        filename="knarrenhof-cpo-oosterpoort-projectplan.docx",
        title="Collectief particulier opdrachtgeverschap: een knarrenhof in de Oosterpoort",
        summary=(
            "Plan om met een groep vijftigplussers via collectief particulier opdrachtgeverschap "
            "(CPO) een hofje met 24 levensloopbestendige woningen en een gemeenschappelijke ruimte "
            "te bouwen."
        ),
        type="projectplan",
        themes=("wonen", "informele-zorg", "buurtnetwerken"),
        organisation=_OOSTERPOORT,
        uploader="ruud.hoekstra@example.org",
        region="Groningen",
        year=2024,
        visibility="members",
        kind="docx",
        facts=(
            ("Woningen", "24 levensloopbestendig: 16 koop, 8 sociale huur"),
            ("Investering", "€ 7,2 miljoen"),
            ("Planning", "vereniging 2024, vergunning 2025, bouw 2026, oplevering 2027"),
        ),
        body=(
            (
                "Aanleiding. Veel oudere bewoners van de Oosterpoort willen in de wijk blijven "
                "wonen, maar hun huis is te groot of heeft steile trappen. Geschikte woningen zijn "
                "er nauwelijks, en verhuizen naar een woonzorgcentrum buiten de wijk wil niemand. "
                "Een groep van dertig leden van de bewonerscoöperatie wil daarom zelf een woonhof "
                "bouwen, naar het voorbeeld van de knarrenhoven elders in het land: zelfstandige "
                "woningen rond een gezamenlijke tuin, waar buren naar elkaar omkijken."
            ),
            (
                "Wat is CPO. Bij collectief particulier opdrachtgeverschap zijn de toekomstige "
                "bewoners samen de opdrachtgever. Ze richten een vereniging op, kopen samen de "
                "grond, kiezen een architect en een aannemer en bepalen zelf hoe de woningen "
                "eruitzien. Er is geen projectontwikkelaar die winst maakt, waardoor de woningen "
                "vaak goedkoper uitvallen. Het vraagt wel veel tijd en doorzettingsvermogen van de "
                "groep."
            ),
            (
                "Het plan. We willen 24 levensloopbestendige woningen bouwen, gelijkvloers of met "
                "een lift, rond een binnentuin. Zestien woningen worden koopwoningen in het "
                "middensegment, acht worden sociale huurwoningen die een woningcorporatie afneemt. "
                "Er komt een gemeenschappelijke ruimte met een keuken en een logeerkamer voor "
                "familie of een mantelzorger. Ook jongere huishoudens zijn welkom, zodat er een "
                "gemengde buurt ontstaat."
            ),
            (
                "Omzien naar elkaar. Bewoners spreken af dat ze elkaar helpen waar dat kan: een "
                "boodschap doen, even kijken als iemand ziek is, samen eten in de "
                "gemeenschappelijke ruimte. Het hof is nadrukkelijk geen zorginstelling. Wie zorg "
                "nodig heeft, krijgt die van de thuiszorg of via de Wmo, maar de informele zorg "
                "van buren maakt dat mensen langer zelfstandig kunnen blijven wonen."
            ),
            (
                "Stappen en planning. In 2024 richten we de CPO-vereniging op en sluiten we een "
                "intentieovereenkomst met de gemeente over een kavel op het voormalige "
                "schoolterrein. Een procesbegeleider met ervaring in CPO helpt de groep. In 2025 "
                "werken we het ontwerp uit en vragen we de omgevingsvergunning aan. Als alles "
                "meezit, begint de bouw in 2026 en verhuizen de eerste bewoners in 2027."
            ),
            (
                "Financiering. De totale investering is geraamd op € 7,2 miljoen. Kopers "
                "financieren hun eigen woning met een hypotheek en eigen geld. Voor de "
                "voorbereidingskosten, zoals de procesbegeleider en de architect, vragen we een "
                "lening uit het provinciale startersfonds voor CPO. Die kosten worden later "
                "verrekend in de koopprijs. De woningcorporatie betaalt haar deel bij oplevering."
            ),
            (
                "Risico's. De grootste risico's zijn stijgende bouwkosten, een lange "
                "vergunningsprocedure en leden die afhaken. We leggen daarom vooraf vast hoe "
                "beslissingen worden genomen en wat er gebeurt als iemand uit de groep stapt. "
                "Leden van de bewonerscoöperatie kunnen zich nog aanmelden voor de wachtlijst."
            ),
        ),
    ),
    DemoDocument(
        filename="wijkleerplaats-hogeschool-pilot-idee.pdf",
        title="Wijkleerplaats met de hogeschool",
        summary=(
            "Voorstel om samen met de hogeschool een wijkleerplaats in te richten waar studenten "
            "verpleegkunde, social work en bouwkunde praktijkonderzoek doen met en voor bewoners."
        ),
        type="pilot-idee",
        themes=(
            "onderwijs-en-onderzoek-in-de-wijk",
            "ervaringsdeskundigheid",
            "burgerparticipatie",
        ),
        organisation=_OOST,
        uploader="fatima.elamrani@example.org",
        region="Utrecht",
        year=2025,
        visibility="public",
        kind="pdf",
        body=(
            (
                "Wat is een wijkleerplaats. Een wijkleerplaats is een plek in de wijk waar "
                "studenten, docenten, bewoners en professionals samen leren en onderzoek doen. "
                "Studenten werken niet óver de wijk, maar mét de wijk: bewoners bepalen mee welke "
                "vragen worden onderzocht en wat er met de uitkomsten gebeurt. In andere steden "
                "zijn goede ervaringen opgedaan met zulke leerplaatsen in een buurthuis of een "
                "leegstaande winkel."
            ),
            (
                "Waarom wij dit willen. Buurtcoöperatie Oost krijgt elk jaar verzoeken van "
                "studenten die een enquête willen afnemen voor hun afstudeerproject. Bewoners doen "
                "mee, maar horen nooit meer wat er met hun antwoorden is gedaan. Dat willen we "
                "anders. Tegelijk hebben we zelf veel vragen waar we geen tijd of kennis voor "
                "hebben: waarom komen bepaalde groepen niet naar onze activiteiten, hoe maken we "
                "de buurtkamer toegankelijker en wat levert ons vrijwilligerswerk eigenlijk op?"
            ),
            (
                "Het voorstel. Met de hogeschool starten we in september een wijkleerplaats in ons "
                "buurtcentrum. Elk semester werken twaalf tot vijftien studenten van de "
                "opleidingen verpleegkunde, social work en bouwkunde twee dagen per week in de "
                "wijk. Een docent-onderzoeker is één dag per week aanwezig. Bewoners en "
                "vrijwilligers schuiven aan bij de start en bij de presentatie van de resultaten, "
                "en een klankbordgroep van bewoners kiest mee welke vragen voorrang krijgen."
            ),
            (
                "Rol van ervaringsdeskundigen. Twee ervaringsdeskundigen uit de wijk worden als "
                "co-onderzoeker aan het team verbonden. Zij helpen studenten in gesprek te komen "
                "met bewoners die minder makkelijk te bereiken zijn, en toetsen of vragenlijsten "
                "en uitkomsten begrijpelijk zijn. Ze krijgen daarvoor een vergoeding van de "
                "hogeschool."
            ),
            (
                "Eerste onderzoeksvragen. Voor het eerste jaar denken we aan drie vragen. Hoe "
                "bereiken we meer jonge mantelzorgers? Welke aanpassingen aan woningen in de "
                "portiekflats helpen ouderen om langer thuis te wonen? En hoe ervaren nieuwe "
                "bewoners met een migratieachtergrond de ontmoetingsplekken in de wijk? Per vraag "
                "maken studenten een kort verslag in gewone taal en een presentatie voor bewoners."
            ),
            (
                "Afspraken. In een samenwerkingsovereenkomst leggen we vast dat de uitkomsten "
                "openbaar en gratis beschikbaar zijn voor de wijk en voor andere wijkcoöperaties "
                "via het Kennisnet. Persoonsgegevens van bewoners worden niet gedeeld. De "
                "hogeschool betaalt de begeleiding en een deel van de huur; de coöperatie zorgt "
                "voor de contacten in de wijk en een vaste contactpersoon."
            ),
        ),
    ),
    DemoDocument(
        filename="verslag-algemene-ledenvergadering-voorjaar-2025.md",
        title="Verslag algemene ledenvergadering voorjaar 2025",
        summary=(
            "Verslag van de voorjaarsledenvergadering van Wijkcoöperatie De Vaart: jaarverslag en "
            "jaarrekening 2024, contributie 2026, nieuwe bestuursleden en de toekomst van de "
            "buurtkamer."
        ),
        type="overig",
        themes=("burgerparticipatie", "wijkeconomie", "ontmoetingsplekken"),
        organisation=_VAART,
        uploader="henk.dijkstra@example.org",
        region="Drenthe",
        year=2025,
        visibility="members",
        kind="markdown",
        body=(
            (
                "Opening en vaststelling agenda. De voorzitter opent om 19.35 uur de algemene "
                "ledenvergadering in het wijkgebouw en heet de 58 aanwezige leden welkom. Er zijn "
                "elf machtigingen ingeleverd, zodat 69 leden aanwezig of vertegenwoordigd zijn. De "
                "agenda wordt ongewijzigd vastgesteld. Het verslag van de najaarsvergadering van "
                "2024 wordt goedgekeurd met één tekstuele correctie."
            ),
            (
                "Jaarverslag 2024. De secretaris vat het jaarverslag samen. De coöperatie telt nu "
                "412 leden, 37 meer dan een jaar eerder. De buurtkamer was 142 ochtenden open en "
                "had gemiddeld achttien bezoekers. Er zijn 96 vrijwilligers actief, van wie "
                "twintig nieuw. De buurtbus reed ruim 1.800 ritten. Een lid vraagt of er genoeg "
                "chauffeurs zijn voor de zomer; het bestuur zegt toe hiervoor een oproep te doen "
                "in de nieuwsbrief."
            ),
            (
                "Jaarrekening en kascommissie. De penningmeester licht de jaarrekening toe. De "
                "inkomsten bedroegen € 86.400, waarvan 31 procent uit contributies en "
                "vergoedingen, 52 procent uit subsidies van de gemeente en fondsen en de rest uit "
                "giften. Het jaar is afgesloten met een klein overschot van € 2.150, dat wordt "
                "toegevoegd aan het potje voor buurtinitiatieven. De kascommissie heeft de boeken "
                "gecontroleerd en adviseert het bestuur decharge te verlenen. De vergadering "
                "verleent decharge bij acclamatie."
            ),
            (
                "Contributie 2026. Het bestuur stelt voor de contributie te verhogen van € 15 naar "
                "€ 18 per jaar, met een verlaagd tarief van € 5 voor leden met een laag inkomen. "
                "Na een discussie over de betaalbaarheid wordt het voorstel aangenomen met 61 "
                "stemmen voor, 6 tegen en 2 onthoudingen."
            ),
            (
                "Bestuursverkiezing. De penningmeester en een algemeen bestuurslid treden af na "
                "twee termijnen en worden hartelijk bedankt. Twee kandidaten stellen zich voor: "
                "een gepensioneerde boekhouder als penningmeester en een jonge moeder uit de "
                "nieuwbouwwijk als algemeen bestuurslid. Beiden worden met algemene stemmen "
                "gekozen."
            ),
            (
                "Toekomst van de buurtkamer. De pilot met de buurtkamer loopt af. Het bestuur "
                "stelt voor de buurtkamer een vaste activiteit te maken en te onderzoeken of een "
                "tweede buurtkamer mogelijk is. Leden reageren positief, maar vragen ook aandacht "
                "voor de belasting van vrijwilligers. Er wordt een werkgroep van vijf leden "
                "gevormd. Ook wordt gesproken over een lening uit een investeringsfonds voor "
                "wijkeconomie voor een coöperatieve buurtwinkel; het bestuur werkt dit uit voor de "
                "najaarsvergadering."
            ),
            (
                "Rondvraag en sluiting. Een lid vraagt aandacht voor de bereikbaarheid van de "
                "coöperatie voor mensen zonder internet; het bestuur zegt toe dat de nieuwsbrief "
                "ook op papier blijft verschijnen. De voorzitter sluit om 21.50 uur de vergadering "
                "en nodigt iedereen uit voor een drankje."
            ),
        ),
    ),
    DemoDocument(
        filename="visiedocument-zorg-en-ontmoeting-2030.odt",
        title="Visiedocument 2030: zorg en ontmoeting dichtbij huis",
        summary=(
            "Visie van de zorgcoöperatie op de wijk in 2030: van zorg naar samenredzaamheid, met "
            "mantelzorgers, vrijwilligers en professionals als gelijkwaardige partners."
        ),
        type="overig",
        themes=("informele-zorg", "mantelzorg", "preventie-en-leefstijl", "ontmoetingsplekken"),
        organisation=_HOOGEVEEN,
        uploader="bert.wolters@example.org",
        region="Drenthe",
        year=2021,
        visibility="public",
        kind="odt",
        body=(
            (
                "Inleiding. Zorgcoöperatie Hoogeveen-Noord is opgericht door bewoners die zich "
                "zorgen maakten over de toekomst van de zorg in hun wijk. Het aantal ouderen "
                "groeit snel, er zijn te weinig zorgmedewerkers en voorzieningen verdwijnen uit de "
                "buurt. In dit visiedocument beschrijven we hoe wij willen dat onze wijk er in "
                "2030 uitziet en wat wij als coöperatie daaraan bijdragen."
            ),
            (
                "Onze kern: samenredzaamheid. Wij geloven dat goede zorg begint bij mensen die "
                "naar elkaar omkijken. Niet iedereen kan alles zelf, maar samen kunnen we veel. "
                "Buren, familie, mantelzorgers en vrijwilligers vormen het fundament; "
                "professionals zijn er voor wat meer vakkennis vraagt. Wij willen de verbinding "
                "leggen tussen die twee werelden."
            ),
            (
                "Wat we in 2030 willen zien. Iedere bewoner weet waar hij terechtkan met een vraag "
                "over zorg of welzijn, en wordt binnen een dag geholpen door iemand uit de buurt. "
                "Er zijn drie ontmoetingsplekken in de wijk waar elke dag iets te doen is. "
                "Mantelzorgers krijgen steun voordat ze overbelast raken, en respijtzorg door "
                "buren is gewoon geworden. Ouderen kunnen tot op hoge leeftijd in de wijk blijven "
                "wonen, omdat er passende woningen zijn en een netwerk om hen heen."
            ),
            (
                "Preventie en leefstijl. We willen niet alleen helpen als het misgaat, maar ook "
                "voorkomen dat het misgaat. Daarom investeren we in activiteiten voor bewegen, "
                "gezond eten en meedoen. Eenzaamheid zien we als een gezondheidsrisico dat net zo "
                "serieus moet worden genomen als roken of te weinig bewegen."
            ),
            (
                "Hoe we werken. De coöperatie is van en voor de leden. Leden bepalen in de "
                "algemene ledenvergadering de koers. Wij werken samen met de gemeente, de "
                "huisartsen, de thuiszorg en de woningcorporatie, als gelijkwaardige partner en "
                "niet als goedkope vervanger van professionele zorg. Wij willen dat geld voor zorg "
                "en welzijn in de wijk blijft, en dat bewoners zeggenschap hebben over hoe het "
                "wordt besteed."
            ),
            (
                "Wat we de komende jaren doen. We beginnen een mantelzorgcafé, starten een project "
                "met ervaringsdeskundigen, openen een tweede ontmoetingsplek en maken afspraken "
                "met de gemeente over een vast budget voor informele zorg binnen de Wmo. Elk jaar "
                "toetsen we in de ledenvergadering of we op koers liggen."
            ),
        ),
    ),
    DemoDocument(
        filename="subsidiewijzer-mantelzorg-respijtzorg.pdf",
        title="Subsidiewijzer mantelzorgondersteuning en respijtzorg",
        summary=(
            "Overzicht van geldbronnen voor mantelzorgprojecten: Wmo-subsidie van de gemeente, de "
            "Regeling Respijt Dichtbij, zorgverzekeraars en lokale fondsen, met tips voor de "
            "subsidieaanvraag."
        ),
        type="subsidie",
        themes=("mantelzorg", "informele-zorg"),
        organisation=_HOOGEVEEN,
        uploader="gerda.mulder@example.org",
        region="Drenthe",
        year=2024,
        visibility="public",
        kind="pdf",
        facts=(
            ("Regeling", "Regeling Respijt Dichtbij"),
            ("Doelgroep", "wijkcoöperaties, stichtingen en verenigingen"),
            ("Bedrag", "€ 5.000 tot € 20.000"),
            ("Cofinanciering", "25% van de begroting"),
            ("Deadline", "15 september 2024"),
            ("Looptijd", "maximaal 2 jaar"),
        ),
        body=(
            (
                "Waarom deze wijzer. Na ons projectplan voor het mantelzorgcafé kregen we veel "
                "vragen van andere coöperaties over de financiering. Ondersteuning van "
                "mantelzorgers valt onder de Wmo, dus de gemeente is de eerste partij om aan te "
                "kloppen. Maar er zijn meer mogelijkheden. In deze subsidiewijzer zetten we op een "
                "rij wat wij hebben gevonden."
            ),
            (
                "Gemeente: Wmo en mantelzorgwaardering. Elke gemeente heeft een budget voor "
                "mantelzorgondersteuning. Vaak is er een subsidieregeling voor "
                "welzijnsactiviteiten waar ook wijkcoöperaties een beroep op kunnen doen. Vraag "
                "naar het beleidsplan mantelzorg en wie de contactpersoon is. Veel gemeenten geven "
                "ook een jaarlijkse mantelzorgwaardering; een mantelzorgcafé is een mooie plek om "
                "die bekend te maken."
            ),
            (
                "De Regeling Respijt Dichtbij. Deze landelijke regeling steunt projecten waarin "
                "vrijwilligers mantelzorgers tijdelijk ontlasten. Wijkcoöperaties, stichtingen en "
                "verenigingen kunnen tussen € 5.000 en € 20.000 aanvragen voor maximaal twee jaar. "
                "Er moet ten minste één professionele partner bij betrokken zijn, bijvoorbeeld een "
                "steunpunt mantelzorg of een thuiszorgorganisatie. De deadline voor 2024 is 15 "
                "september. De regeling vraagt een cofinanciering van 25 procent."
            ),
            (
                "Zorgverzekeraars. Sommige zorgverzekeraars hebben een potje voor preventie en "
                "ondersteuning van mantelzorgers, soms samen met de gemeente. Het gaat meestal om "
                "kleinere bedragen, maar de aanvraag is eenvoudig. Verder vergoeden aanvullende "
                "verzekeringen soms respijtzorg of een mantelzorgmakelaar voor de mantelzorger "
                "zelf; wijs mantelzorgers daarop."
            ),
            (
                "Lokale fondsen en giften. Denk ook aan lokale vermogensfondsen, serviceclubs, "
                "kerken en ondernemers in de wijk. Voor een mantelzorgcafé is een paar duizend "
                "euro vaak genoeg, en dat bedrag is met twee of drie kleine aanvragen op te halen. "
                "Vergeet niet dat de vrijwilligersverzekering van de gemeente ook kosten scheelt."
            ),
            (
                "Tips voor de subsidieaanvraag. Laat mantelzorgers zelf aan het woord in je "
                "aanvraag. Beschrijf hoe je overbelaste mantelzorgers bereikt die nergens naartoe "
                "gaan. Maak duidelijk dat vrijwilligers professionele zorg niet vervangen maar "
                "aanvullen. En plan vanaf het begin hoe het project doorgaat na de "
                "subsidieperiode."
            ),
        ),
    ),
)


def write_demo_file(doc: DemoDocument, dest_dir: Path) -> Path:
    """Write `doc` as a real file of `doc.kind` into `dest_dir` and return its path.

    The title goes into the format's own metadata (PDF Info, DOCX core properties, ODT dc:title,
    the Markdown H1), because extraction takes the title from there.
    """
    try:
        writer = _WRITERS[doc.kind]
    except KeyError:
        raise ValueError(f"unknown demo document kind: {doc.kind!r}") from None
    dest_dir.mkdir(parents=True, exist_ok=True)
    path = dest_dir / doc.filename
    writer(doc, path)
    return path


def _byline(doc: DemoDocument) -> str:
    return f"{doc.organisation} · {doc.region} · {doc.year}"


def _timestamp(doc: DemoDocument) -> datetime:
    # A fixed date per document keeps repeated seeds stable.
    return datetime(doc.year, 1, 15, 12, 0, tzinfo=UTC)


# Core PDF fonts only cover latin-1; these are the non-latin-1 characters the demo text uses.
_LATIN1_SUBSTITUTES = str.maketrans(
    {"\u20ac": "EUR", "\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'"}
)


def _to_latin1(text: str) -> str:
    return text.translate(_LATIN1_SUBSTITUTES).encode("latin-1", "replace").decode("latin-1")


def _write_pdf(doc: DemoDocument, path: Path) -> None:
    pdf = FPDF(format="A4")
    pdf.set_title(doc.title)
    pdf.set_author(doc.organisation)
    pdf.set_subject(doc.summary)
    pdf.set_keywords(", ".join(doc.themes))
    pdf.set_lang("nl-NL")
    pdf.set_creation_date(_timestamp(doc))
    if DEJAVU_SANS.is_file():
        bold = DEJAVU_SANS.with_name("DejaVuSans-Bold.ttf")
        pdf.add_font("DejaVu", "", DEJAVU_SANS)
        pdf.add_font("DejaVu", "B", bold if bold.is_file() else DEJAVU_SANS)
        family, clean = "DejaVu", str
    else:
        family, clean = "Helvetica", _to_latin1
    pdf.set_margins(20, 20, 20)
    pdf.add_page()

    def write(text: str, size: float, style: str = "", line_height: float = 6) -> None:
        pdf.set_font(family, style, size)
        # Left-aligned: justified TTF text is spaced in ways that can glue words together
        # when the text is extracted again.
        pdf.multi_cell(0, line_height, clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    write(doc.title, 16, "B", line_height=8)
    write(_byline(doc), 9)
    pdf.ln(4)
    for key, value in doc.facts:
        write(f"{key}: {value}", 10)
    if doc.facts:
        pdf.ln(4)
    for paragraph in doc.body:
        write(paragraph, 11)
        pdf.ln(3)
    pdf.output(str(path))


def _write_docx(doc: DemoDocument, path: Path) -> None:
    document = docx.Document()
    props = document.core_properties
    props.title = doc.title
    props.subject = doc.summary
    props.author = doc.organisation
    props.last_modified_by = doc.organisation
    props.keywords = ", ".join(doc.themes)
    props.language = "nl-NL"
    # python-docx writes these as UTC ("Z") and expects naive datetimes.
    props.created = props.modified = _timestamp(doc).replace(tzinfo=None)
    document.add_heading(doc.title, level=1)
    document.add_paragraph(_byline(doc))
    if doc.facts:
        grid = document.add_table(rows=1, cols=2)
        grid.style = "Table Grid"
        header = grid.rows[0].cells
        header[0].text, header[1].text = "Kenmerk", "Waarde"
        for key, value in doc.facts:
            cells = grid.add_row().cells
            cells[0].text, cells[1].text = key, value
    for paragraph in doc.body:
        document.add_paragraph(paragraph)
    document.save(str(path))


def _write_odt(doc: DemoDocument, path: Path) -> None:
    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text=doc.title))
    document.meta.addElement(dc.Subject(text=doc.summary))
    document.meta.addElement(dc.Creator(text=doc.organisation))
    document.meta.addElement(dc.Language(text="nl-NL"))
    document.meta.addElement(meta.Keyword(text=", ".join(doc.themes)))
    document.meta.addElement(meta.CreationDate(text=_timestamp(doc).strftime("%Y-%m-%dT%H:%M:%S")))

    heading_style = Style(name="Heading_20_1", displayname="Heading 1", family="paragraph")
    heading_style.addElement(TextProperties(fontsize="16pt", fontweight="bold"))
    heading_style.addElement(ParagraphProperties(marginbottom="0.3cm"))
    body_style = Style(name="Text_20_body", displayname="Text body", family="paragraph")
    body_style.addElement(ParagraphProperties(marginbottom="0.25cm"))
    column_style = Style(name="FactColumn", family="table-column")
    column_style.addElement(TableColumnProperties(columnwidth="8cm"))
    document.styles.addElement(heading_style)
    document.styles.addElement(body_style)
    document.automaticstyles.addElement(column_style)

    document.text.addElement(odf_text.H(outlinelevel=1, stylename=heading_style, text=doc.title))
    document.text.addElement(odf_text.P(stylename=body_style, text=_byline(doc)))
    if doc.facts:
        grid = table.Table(name="Kenmerken")
        grid.addElement(table.TableColumn(numbercolumnsrepeated=2, stylename=column_style))
        for key, value in (("Kenmerk", "Waarde"), *doc.facts):
            row = table.TableRow()
            for cell_text in (key, value):
                cell = table.TableCell(valuetype="string")
                cell.addElement(odf_text.P(text=cell_text))
                row.addElement(cell)
            grid.addElement(row)
        document.text.addElement(grid)
    for paragraph in doc.body:
        document.text.addElement(odf_text.P(stylename=body_style, text=paragraph))
    document.save(str(path))


def _write_markdown(doc: DemoDocument, path: Path) -> None:
    lines = [f"# {doc.title}", "", f"*{_byline(doc)}*", ""]
    if doc.facts:
        lines += ["| Kenmerk | Waarde |", "| --- | --- |"]
        lines += [f"| {key} | {value} |" for key, value in doc.facts]
        lines.append("")
    for paragraph in doc.body:
        lines += [paragraph, ""]
    path.write_text("\n".join(lines), encoding="utf-8")


_WRITERS: dict[str, Callable[[DemoDocument, Path], None]] = {
    "pdf": _write_pdf,
    "docx": _write_docx,
    "odt": _write_odt,
    "markdown": _write_markdown,
}
