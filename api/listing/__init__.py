"""Lists for a library of thousands: orders, filters and cursor pages over one content snapshot.

``collation`` sorts and letters text as each language does (ICU); ``orderings`` keeps each
collection's records in each order, once per content version; ``filters`` knows which documents
show which treatments, terms and audiences; ``pages`` cuts one page out of an ordering with opaque
cursors and counts without making a node per record. Nothing here knows GraphQL: the schema's
connections (:mod:`api.schema.connections`) stand on it.
"""
