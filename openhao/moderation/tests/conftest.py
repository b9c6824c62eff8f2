# The people and the channel of the creators' tests: the decisions are about their
# applications and articles.
from openhao.creators.tests.conftest import (  # noqa: F401
    channel,
    creator,
    reader,
    staff,
    trusted_creator,
)
