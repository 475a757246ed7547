"""The message studio's domain: plain async functions and values, no HTTP.

- `form`: the editor form ↔ the message document JSON (field names are document paths).
- `editor`: structural edits (`add:cards`, `up:suggestions-1`...), checking a draft, placing
  problems on fields.
- `preview`: the phone preview (CH5 view data, 5G look, fallback SMS); `build_media_resolver`
  is the one seam for media.
- `editing`: the editor's state for the templates.
- `service`: find, create, save drafts with the revision counter, copy, delete, import/export.
- `workflow`: a message's review steps and versions, on top of
- `review`: the reusable review component (state machine, reviewer rules, history events)
  that signatures and SMS / video SMS templates use too.
- `keywords`: `match_keyword()` and keyword uniqueness among approved messages.
- `chatbots`: chatbot profiles and their service menu.
"""
