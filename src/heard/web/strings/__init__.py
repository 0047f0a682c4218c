"""Dashboard strings of each side, one module per side (``listen``, ``answer``, ``protect`` …).

Each module defines ``STRINGS: dict[str, tuple[str, str]]`` (key: (english, chinese));
``heard.web.i18n`` gathers them all beside its own shared strings.
"""
