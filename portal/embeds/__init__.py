"""Signed embed links (docs/embedding.md): models in portal/models/embeds.py, the token in
`tokens`, writes in `services`, reads in `selectors`, the page in `views`, headers in `headers`."""
