"""Media on S3-compatible storage (django-storages) against moto's S3 server, started by the
test as a process of its own on a free port: an image uploaded through the studio lands in the
bucket with its renditions, reads back byte for byte, and the pages link it there."""

import socket
import subprocess
import sys
import time

import pytest
from django.core.files.storage import default_storage, storages

from openhao.articles.tests.factories import ArticleFactory
from openhao.settings.base import media_storage

boto3 = pytest.importorskip("boto3")
pytest.importorskip("moto.server")

BUCKET = "openhao-media"
KEYS = {"MEDIA_S3_ACCESS_KEY_ID": "testing", "MEDIA_S3_SECRET_ACCESS_KEY": "testing"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def s3_media(s3_endpoint, settings):
    """STORAGES["default"] as production builds it from these environment variables."""
    environ = {
        "MEDIA_S3_BUCKET": BUCKET,
        "MEDIA_S3_ENDPOINT_URL": s3_endpoint,
        "MEDIA_S3_REGION": "us-east-1",
        "MEDIA_S3_ADDRESSING_STYLE": "path",
        "MEDIA_S3_CUSTOM_DOMAIN": "media.hao.example.com",
        **KEYS,
    }
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "default": media_storage(environ)}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_media_storage_from_the_environment():
    assert media_storage({})["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    storage = media_storage({"MEDIA_S3_BUCKET": "b", "MEDIA_S3_ENDPOINT_URL": "http://s3:9000"})
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "b"
    assert storage["OPTIONS"]["endpoint_url"] == "http://s3:9000"
    assert storage["OPTIONS"]["querystring_auth"] is False
    assert storage["OPTIONS"]["file_overwrite"] is False


@pytest.mark.django_db
def test_upload_lands_in_the_bucket_with_its_renditions(s3_media, upload_image, client):
    from storages.backends.s3 import S3Storage

    assert isinstance(storages["default"], S3Storage)
    image = upload_image(width=1400, height=700)
    keys = {item["Key"] for item in s3_media.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert image.file.name in keys
    assert sorted(image.renditions) == ["1280.jpg", "1280.webp", "640.jpg", "640.webp"]
    assert set(image.renditions.values()) <= keys
    # Read back, straight from the bucket and through the storage, the same bytes.
    stored = s3_media.get_object(Bucket=BUCKET, Key=image.file.name)
    body = stored["Body"].read()
    with image.file.open("rb") as fh:
        assert fh.read() == body
    assert body[:3] == b"\xff\xd8\xff"  # a JPEG
    assert stored["CacheControl"] == "public, max-age=31536000, immutable"
    for name in image.renditions.values():
        assert default_storage.size(name) > 0
    # Public, unsigned URLs on the media host.
    assert image.file.url == f"https://media.hao.example.com/{image.file.name}"
    article = ArticleFactory(
        creator=image.creator,
        body_html=f'<p>图文</p><p><img src="{image.file.url}" alt="风景"></p>',
    )
    page = client.get(f"/article/{article.pk}/").content.decode()
    assert f"https://media.hao.example.com/{image.renditions['640.webp']}" in page
