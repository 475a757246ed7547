"""Signatures, text SMS templates and video SMS templates: the domain, without HTTP.

- `rules`: a workspace's template settings as a frozen `Rules` value (signature length,
  opt-out phrase, forbidden words) and the `SmsOptions` built from it.
- `reviewing`: the one seam to the shared review workflow (`studio.messages.review`).
- `signatures`, `qualifications`: signatures and their private qualification files.
- `content`: checks both template kinds share (variables, links, forbidden words) and inserting
  at the author's cursor (`Caret`, `insert_at`).
- `sms`: text SMS templates and the live count (all counting in `renderers.sms`).
- `counting`: the one rule for short links in a text SMS (they count as the personalised
  link a batch sends), called by the editor and by sending.
- `video`, `video_store`: video SMS drafts, frames, totals and re-fit advice; saving and review.
- `media_seam`: the one seam to the media library (frame renditions, pinning, uses, re-fit).
- `packaging`, `export`: the phone view and the carrier package (zip + SMIL) of the approved
  version.
- `inserts`: "insert short link" and "insert CH5 link" through the short-link feature.
- `lifecycle`: approval snapshot, new version and delete, shared by both template kinds.
- `carriers`: per-carrier review status and template ids of each approved version.
- `api`: what the sending feature calls (approved template, signature text, carrier approval).
"""
