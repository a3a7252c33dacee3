routes: list = []  # filled by the embeds work
