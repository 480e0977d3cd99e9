"""The newsroom's background jobs (django-tasks): a new picture's renditions, made once."""

from django_tasks import task

from newsroom.models import NewsImage
from newsroom.pictures import every_spec


@task()
def prepare_renditions(image_id: int) -> int:
    """Make every rendition the site serves of a picture, so no reader waits for them.

    An AVIF rendition takes a fifth of a second to encode; a card asks for six renditions,
    an article for nine more. Made here, in the worker, la une's first reader after an
    ingest gets them ready (issue #14). Returns how many the picture has; 0 if it is gone.
    """
    image = NewsImage.objects.filter(pk=image_id).first()
    if image is None:
        return 0
    return len(image.get_renditions(*every_spec(image)))
