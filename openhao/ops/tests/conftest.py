import pytest
from django.urls import reverse

from openhao.articles.models import ArticleImage
from openhao.creators.tests.factories import CreatorFactory
from openhao.creators.tests.helpers import jpeg_bytes, upload


@pytest.fixture
def upload_image(client, django_capture_on_commit_callbacks):
    """Upload a JPEG through the studio's upload view, as the editor does; the immediate
    tasks backend makes its renditions on commit. Returns the stored ArticleImage."""

    def _upload(creator=None, width=1400, height=700):
        creator = creator or CreatorFactory()
        client.force_login(creator.user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("studio:upload"),
                {"image": upload(jpeg_bytes(width, height), "photo.jpg", "image/jpeg")},
                HTTP_ACCEPT="application/json",
            )
        assert response.status_code == 200, response.content
        client.logout()
        return ArticleImage.objects.get(pk=response.json()["id"])

    return _upload
