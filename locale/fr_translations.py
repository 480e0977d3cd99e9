"""French for the interface strings: `python locale/fr_translations.py` fills django.po.

Run after `manage.py makemessages -l fr --no-wrap`; then `manage.py compilemessages`.
Kept as a table so a newcomer can review every string in one place.
"""

import re
from pathlib import Path

FRENCH = {
    "Newsroom": "Rédaction",
    "quotation": "citation",
    "speaker": "auteur de la citation",
    "Quote": "Citation",
    "article": "article",
    "title": "titre",
    "Leave empty to use the article's headline.": "Laisser vide pour reprendre le titre de l’article.",
    "external link": "lien externe",
    "Read also": "À lire",
    "Choose an article, or give both a title and a link.": "Choisissez un article, ou indiquez un titre et un lien.",
    "image": "image",
    "caption": "légende",
    "credit": "crédit",
    "Image": "Image",
    "Paragraph": "Paragraphe",
    "Heading": "Intertitre",
    "Embed": "Contenu intégré",
    "%(source)s, %(terms)s": "%(source)s, %(terms)s",
    "lead story": "article à la une",
    "Leave empty to lead with the latest article.": "Laisser vide pour mettre à la une le dernier article publié.",
    "home page": "page d’accueil",
    "introduction": "introduction",
    "section": "rubrique",
    "sections": "rubriques",
    "kicker": "surtitre",
    "Surtitre shown above the headline.": "Surtitre affiché au-dessus du titre.",
    "standfirst": "chapô",
    "Chapô: the opening summary, after the dateline.": "Chapô : le résumé d’ouverture, après le lieu et la date.",
    "dateline date": "date du dateline",
    "updated at": "mis à jour le",
    "Set when the article is substantially updated after publication.": "À remplir quand l’article est modifié de façon notable après publication.",
    "lead image": "image principale",
    "body": "corps de l’article",
    "authors": "auteurs",
    "source outlet": "média source",
    "original author": "auteur original",
    "Who wrote the original.": "Qui a écrit l’article d’origine.",
    "original URL": "URL d’origine",
    "topics": "thèmes",
    "countries": "pays",
    "demo content": "contenu de démonstration",
    "Written to show the platform; not journalism. Shown as [Démo] in the admin.": "Écrit pour montrer la plateforme ; ce n’est pas du journalisme. Affiché [Démo] dans l’administration.",
    "place": "lieu",
    "Dateline": "Lieu et date (dateline)",
    "Partner credit": "Crédit du partenaire",
    "Tagging": "Indexation",
    "articles": "articles",
    "dateline place": "lieu du dateline",
    "dateline places": "lieux du dateline",
    "tagline": "slogan",
    "sign-up heading": "titre de l’encart d’inscription",
    "newsroom settings": "réglages de la rédaction",
    "name": "nom",
    "slug": "identifiant d’URL",
    "role": "fonction",
    "biography": "biographie",
    "author": "auteur",
    "Republish in full": "Reprise intégrale",
    "Excerpt and link only": "Extrait et lien seulement",
    "description": "description",
    "How the credit introduces the outlet, e.g. “quotidien italien”.": "Comment le crédit présente le média, par ex. « quotidien italien ».",
    "website": "site web",
    "language": "langue",
    "licence": "licence",
    "licence terms": "conditions de licence",
    "Shown with the credit on every article, e.g. “CC BY 2.5”.": "Affichées avec le crédit sur chaque article, par ex. « CC BY 2.5 ».",
    "source": "source",
    "sources": "sources",
    "IPTC Media Topic": "thème IPTC Media Topic",
    "e.g. medtop:11000000": "par ex. medtop:11000000",
    "topic": "thème",
    "By": "Par",
    "Published on": "Publié le",
    "Updated on": "Mis à jour le",
    "Source": "Source",
    "Topics": "Thèmes",
    "Read more on the same theme": "À lire sur le même thème",
    "Front page": "À la une",
    "Lead story": "À la une",
    "No article has been published yet.": "Aucun article n’a encore été publié.",
    "RSS feed of this section": "Flux RSS de cette rubrique",
    "No article in this section yet.": "Pas encore d’article dans cette rubrique.",
    "Topic": "Thème",
    "No article on this topic yet.": "Pas encore d’article sur ce thème.",
    "French": "Français",
    "Page not found": "Page introuvable",
    "Back to the front page": "Retour à la une",
    "Latest articles (RSS)": "Derniers articles (RSS)",
    "Latest articles (Atom)": "Derniers articles (Atom)",
    "Skip to content": "Aller au contenu",
    "Pages": "Pages",
    "Newer articles": "Articles plus récents",
    "Page %(number)s of %(total)s": "Page %(number)s sur %(total)s",
    "Older articles": "Articles plus anciens",
    "Your email address": "Votre adresse e-mail",
    "Subscribe": "S’inscrire",
    "Sign-up opens soon: newsletters and alerts are not being sent yet.": "Inscriptions bientôt ouvertes : la newsletter et les alertes ne sont pas encore envoyées.",
    "RSS feed": "Flux RSS",
    "Atom feed": "Flux Atom",
    "Site map": "Plan du site",
    "Sections": "Rubriques",
}


def _po_escape(text):
    return text.replace("\\", "\\\\").replace('"', '\\"')


def fill(po_path):
    """Fill the empty msgstr of every msgid in FRENCH; report the ones still missing."""
    text = po_path.read_text(encoding="utf-8")
    missing = []

    def replace(match):
        msgid = match.group(1).replace('\\"', '"').replace("\\\\", "\\")
        if msgid in FRENCH:
            return f'msgid "{match.group(1)}"\nmsgstr "{_po_escape(FRENCH[msgid])}"'
        if msgid:
            missing.append(msgid)
        return match.group(0)

    text = re.sub(r'msgid "((?:[^"\\]|\\.)*)"\nmsgstr ""', replace, text)
    po_path.write_text(text, encoding="utf-8")
    return missing


if __name__ == "__main__":
    po = Path(__file__).parent / "fr" / "LC_MESSAGES" / "django.po"
    for msgid in fill(po):
        print("untranslated:", msgid)  # noqa: T201
