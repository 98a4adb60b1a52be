"""The dispatcher console's read side: the board."""
