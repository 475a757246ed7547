"""Message document → 5G message (RCS) JSON, CH5 view data, SMS text; limits; validation.

Pure and synchronous: values in, values out, no Starlette, no ORM, no I/O
(except :mod:`renderers.cli`). Where to look:

* :mod:`renderers.document` — the frozen dataclasses (``Message``, ``Card``, ``Button``...).
* :mod:`renderers.codec` — ``to_json`` / ``from_json`` (versioned, upgrades older forms).
* :mod:`renderers.schema` — ``document_schema()``, the published JSON Schema.
* :mod:`renderers.limits` — channel profiles, each limit with its source.
* :mod:`renderers.validate` — ``validate(message, profile, resolver)`` → every problem.
* :mod:`renderers.registry` — ``RENDERERS``: rcs, sms, ch5 → ``render(message, context)``.
* :mod:`renderers.sms` — SMS counting (``count_sms``) and the fallback SMS.
* :mod:`renderers.video_sms` — video SMS templates: frames and total size.
* :mod:`renderers.resolver` — the ``MediaResolver`` protocol and the ``Rendition`` facts.
* :mod:`renderers.errors` — ``Problem`` and the one error type, ``DocumentError``.

See ``docs/renderers.md``.
"""
