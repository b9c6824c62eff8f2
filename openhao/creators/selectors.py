from django.http import Http404

from .models import Creator


def creator_get(pk: int) -> Creator:
    try:
        return Creator.objects.prefetch_related("badges").get(pk=pk)
    except Creator.DoesNotExist:
        raise Http404("creator not found") from None
