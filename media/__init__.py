"""The media library: plain values in, plain values out (no web framework, no ORM).

- ``media.sniff``: ``sniff_file`` / ``sniff_bytes`` → ``Sniffed`` (allow-list by magic bytes).
- ``media.probe``: ``probe(path, decode=...)`` → ``MediaInfo``.
- ``media.fit``: ``fit(src, profile, out, options=, on_progress=)`` → ``FitResult``; the
  building blocks are ``media.image.fit_image``, ``media.video.fit_video``,
  ``media.audio.fit_audio``, ``media.poster.poster`` / ``thumbnail``.
- ``media.profiles``: ``PROFILES``, ``get_profile``, ``video_sms_profile``, ``DEFAULT_RENDITIONS``.
- ``media.upload`` / ``media.multipart``: capped streaming uploads; ``media.storage``: storage;
  ``media.serving``: Range and cache headers; ``media.errors``: ``MediaError`` and subclasses.
- ``media.ffmpeg``: the only place ffmpeg is run; ``media.cli``: ``studio media ...``.
"""
