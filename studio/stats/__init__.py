"""Statistics (统计) from the visit rollups: periods, totals, series, breakdowns, exports.

Definitions (also in the README and the pages' help text):
PV = non-bot opens; UV = distinct visitor cookies (a visitor without cookies counts by IP
hash + user agent for that day); IP数 = distinct IP hashes; bot opens are counted apart.
"""
