"""HTTP helpers shared by the GraphQL endpoint (``api.http``) and the embeds (``api.embed``).

Both stand on these; nothing here imports either. ``negotiation`` reads the weighted headers
(Accept-Language, Accept-Encoding), ``conditional`` the validators (ETag, Last-Modified,
Cache-Control). The one bounded cache every store uses is :mod:`api.lru`, lower still.
"""
