"""Gateways: how deliveries leave the studio (DESIGN §6).

One protocol (`base.Gateway`): ask which numbers can receive 5G messages, send one
outgoing message (accepted or rejected). Delivery reports and uplink replies come back
through `studio.sending.reports`, called by the outbox's report job or by the http
gateway's signed callback endpoints. `registry.gateway_for(options)` picks the configured one.
"""
