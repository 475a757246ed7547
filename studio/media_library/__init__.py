"""The studio side of the media library: uploads, rendition jobs, queries, resolver, serving.

- ``uploads``: ``receive_form`` (Content-Length first, then the capped multipart stream) and
  ``add_uploads`` (sha256 dedupe per workspace, original stored, one ``media.process`` job each).
- ``processing``: the ``media.process`` job (probe with full decode, then the default renditions
  of the kind) and ``request_rendition`` (a rendition on demand, by a job).
- ``library``: listing, detail, rename, delete (refused while used), ``sync_uses`` /
  ``release_uses`` (other features record which version uses which asset), ``picked_asset``.
- ``resolver``: ``load_resolver`` / ``resolver_for`` → a plain ``renderers`` ``MediaResolver``.
- ``serve``: the public, content-hashed rendition URL and its handler (studio and h5).

The ``media`` package does the work on files; this package only adds rows, jobs and storage.
"""
