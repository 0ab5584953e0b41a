"""The demo programme, where ``make run`` looks for it: see :mod:`berdikari.store.demo`.

Only a name: the demo lives with the store because it writes rows directly. Never add logic here.
"""

from berdikari.store.demo import fill, sign_ins, sign_ins_markdown, sign_ins_text

__all__ = ["fill", "sign_ins", "sign_ins_markdown", "sign_ins_text"]
