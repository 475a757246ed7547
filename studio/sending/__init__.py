"""Sending (发送任务): recipient import, batches, the restart-safe sender, delivery reports.

Plain functions over the models in `studio.models.sending`; the views in
`studio.views.sending` call them and the jobs in `studio.sending.jobs` run them.
"""
