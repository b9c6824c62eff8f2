# The people and the channel of the creators' tests: studio tests follow an applicant into the
# workspace, so they share them.
from openhao.creators.tests.conftest import (  # noqa: F401
    channel,
    creator,
    reader,
    staff,
    trusted_creator,
)
