"""The content's rules that the server, the embeds and the phone must apply alike.

Standard library only: the phone ships nothing else. Nothing here imports ``api`` or ``mobile``;
both import from here.
"""
