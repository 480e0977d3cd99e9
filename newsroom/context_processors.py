"""What every reader page's chrome needs: the site and its sections for the navigation."""

from typing import Any

from django.http import HttpRequest

from newsroom.kept_tree import ADMIN_PREFIXES, route_from_kept_tree


def site_chrome(request: HttpRequest) -> dict[str, Any]:
    """The navigation and the site, both from the kept top of the tree (`newsroom.kept_tree`),
    which a change of a section, la une or the site renews."""
    if request.path.startswith(ADMIN_PREFIXES):
        return {}
    tree = route_from_kept_tree(request)
    return {"navigation": tree.navigation, "site": tree.site}
