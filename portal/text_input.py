"""NUL characters in input are refused with a 400 before any view runs a query with them.

PostgreSQL cannot store or even compare NUL in text, so a NUL reaching a lookup (a filter, a
search, a slug) fails in the database as a 500. Query strings are checked here for every path;
API bodies (JSON, form, multipart) by the parsers below.
"""

from django.http import JsonResponse
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser


def _strings(value):
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


class NulRefusingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                detail = f"Query parameter {key.replace(chr(0), '')!r} contains a NUL character."
                return JsonResponse({"detail": detail}, status=400)
        return self.get_response(request)


def _refuse_nul(data):
    values = data.data if hasattr(data, "files") else data  # multipart: DataAndFiles
    if hasattr(values, "lists"):  # a QueryDict from a form body
        values = {key: items for key, items in values.lists()}
    if any("\x00" in text for text in _strings(values)):
        raise ParseError("Parse error - text must not contain NUL characters.")
    return data


class NulRefusingJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return _refuse_nul(super().parse(stream, media_type, parser_context))
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None


class NulRefusingFormParser(FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _refuse_nul(super().parse(stream, media_type, parser_context))


class NulRefusingMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _refuse_nul(super().parse(stream, media_type, parser_context))
