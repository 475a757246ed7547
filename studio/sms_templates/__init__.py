"""Signatures, text SMS templates and video SMS templates: the domain, without HTTP.

- `rules`: a workspace's template settings as a frozen `Rules` value (signature length,
  opt-out phrase, forbidden words) and the `SmsOptions` built from it.
- `reviewing`: the one seam to the shared review workflow (`studio.messages.review`).
- `signatures`, `qualifications`: signatures and their private qualification files.
- `sms`, `counter`: text SMS templates and the live counter (all counting in `renderers.sms`).
- `video`, `export`: video SMS templates, totals, re-fit advice, the carrier package (zip+SMIL).
- `carriers`: per-carrier review status and template ids.
- `api`: what the sending feature calls (approved template, signature text, carrier approval).
"""
