"""English text marked for translation. Core speaks English (the command line shows it as it is); the app shows the
same sentence in its reader's language from the gettext catalog (dashboard/locale), found by the English itself.

``N_("...")`` marks a literal for the catalog (Babel extracts it) and returns it unchanged: core never translates.
A sentence with values is a template with named fields, ``N_("The file is {size_mb:.1f} MB")``, formatted with its
params where it is used, so a translator sees, and keeps, the same fields.
"""


def N_(message: str) -> str:
    return message


def render(template: str, params: dict) -> str:
    """``template`` filled in with ``params`` (a template without params is the sentence itself, braces and all)."""
    return template.format(**params) if params else template
